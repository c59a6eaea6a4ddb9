import { ValidationError } from 'class-validator';
import { ErrorDetail } from './domain-error';

/** Chinese wording for class-validator constraints, keyed by constraint name (`isLength` for @Length, `isIso8601` for
 * @IsISO8601); the English comes from class-validator itself. */
const ZH: Record<string, (args: string[]) => string> = {
  whitelistValidation: () => '不允许的字段',
  isDefined: () => '必填',
  isNotEmpty: () => '不能为空',
  isString: () => '必须是文本',
  isInt: () => '必须是整数',
  isNumber: () => '必须是数字',
  isPositive: () => '必须大于 0',
  isBoolean: () => '必须是 true 或 false',
  isEnum: () => '取值不在允许范围内',
  isIn: () => '取值不在允许范围内',
  min: () => '数值过小',
  max: () => '数值过大',
  minLength: () => '长度过短',
  maxLength: () => '长度过长',
  isLength: () => '长度不符合要求',
  matches: () => '格式不正确',
  isUuid: () => '必须是 UUID',
  isDateString: () => '必须是 ISO 8601 日期时间',
  isIso8601: () => '必须是 ISO 8601 日期时间',
  isArray: () => '必须是数组',
  arrayMinSize: () => '数组元素过少',
  arrayMaxSize: () => '数组元素过多',
  arrayNotEmpty: () => '数组不能为空',
  arrayUnique: () => '数组元素不能重复',
  isObject: () => '必须是对象',
  nestedValidation: () => '嵌套字段不正确',
  isNumberString: () => '必须是数字字符串',
  isMobilePhone: () => '手机号格式不正确',
  isTimeZone: () => '时区不正确',
  isUrl: () => '必须是网址',
};

/** Flattens nested class-validator errors into one detail per field path (e.g. `lines.0.quantity`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, en] of Object.entries(error.constraints ?? {})) {
      const zh = ZH[constraint]?.([]) ?? '不正确';
      out.push({ field, message: zh, messageEn: en });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}
