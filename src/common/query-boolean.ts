import { Transform } from 'class-transformer';

/** Query strings carry booleans as 'true'/'false'; anything else is left for @IsBoolean to refuse. */
export const QueryBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
