import { Role } from '../common/access/role.enum';

/** Who may change things at a point's parcel station: its agents and the company's admins. */
export const PARCEL_ACTORS = [Role.ADMIN, Role.AGENT];
