/**
 * Names and codes of the generated region tree: Hunan's cities with their real codes, Yiyang's real
 * counties and Taojiang's real townships; the rest of the tree is filled with plausible names.
 */
export const HUNAN_CITIES: Array<{ code: string; name: string }> = [
  { code: '09', name: '益阳市' }, { code: '01', name: '长沙市' }, { code: '02', name: '株洲市' }, { code: '03', name: '湘潭市' },
  { code: '04', name: '衡阳市' }, { code: '05', name: '邵阳市' }, { code: '06', name: '岳阳市' }, { code: '07', name: '常德市' },
  { code: '08', name: '张家界市' }, { code: '10', name: '郴州市' }, { code: '11', name: '永州市' }, { code: '12', name: '怀化市' },
  { code: '13', name: '娄底市' }, { code: '31', name: '湘西土家族苗族自治州' },
];

/** 益阳市's districts and counties (GB/T 2260 codes); 桃江县 first, so the county scale is 桃江县. */
export const YIYANG_COUNTIES: Array<{ code: string; name: string }> = [
  { code: '22', name: '桃江县' }, { code: '03', name: '赫山区' }, { code: '02', name: '资阳区' },
  { code: '21', name: '南县' }, { code: '23', name: '安化县' }, { code: '81', name: '沅江市' },
];

export const TAOJIANG_TOWNSHIPS = [
  '桃花江镇', '修山镇', '大栗港镇', '灰山港镇', '武潭镇', '马迹塘镇', '三堂街镇', '松木塘镇', '鸬鹚渡镇', '石牛江镇',
  '沾溪镇', '牛田镇', '浮邱山乡', '高桥洲镇', '花果山乡',
];

const PLACE_FIRST = ['花', '三', '枳', '金', '红', '联', '大', '石', '龙', '清', '新', '白', '青', '高', '长', '黄', '竹', '桃', '杨', '柳', '马', '凤', '双', '田', '荷', '桂', '松', '梅', '莲', '福'];
const PLACE_SECOND = ['桥港', '官桥', '木', '山', '星', '关山', '门', '泉', '水', '峰', '塘', '湾', '坪', '冲', '溪', '岭', '田', '家湾', '园', '林', '洲', '港', '坝', '垸', '铺'];

/** A place name from two syllable pools, spread by index so neighbours differ. */
export const placeName = (i: number) => `${PLACE_FIRST[i % PLACE_FIRST.length]}${PLACE_SECOND[Math.floor(i / PLACE_FIRST.length) % PLACE_SECOND.length]}`;

export const SURNAMES = ['刘', '李', '王', '张', '陈', '周', '罗', '彭', '曾', '谢', '胡', '邓', '黄', '杨', '唐', '吴', '蒋', '谭', '廖', '贺', '龚', '文', '肖', '颜', '卜', '熊', '夏', '符', '莫', '郭'];
export const GIVEN_NAMES = ['建国', '桂香', '金兰', '凤英', '国华', '秋菊', '德明', '冬梅', '志强', '春花', '玉兰', '海波', '美华', '正清',
  '淑珍', '光辉', '秀英', '长生', '桂兰', '建军', '腊梅', '新民', '翠娥', '铁牛', '月娥', '跃进', '满秀', '红梅', '爱民', '四妹'];

export const DESTINATIONS: Array<[string, string]> = [
  ['广东省', '广州市'], ['广东省', '深圳市'], ['湖南省', '长沙市'], ['浙江省', '杭州市'], ['上海市', '上海市'], ['北京市', '北京市'],
  ['湖北省', '武汉市'], ['江苏省', '南京市'], ['福建省', '厦门市'], ['四川省', '成都市'],
];

export const REJECT_REASONS: Array<{ reason: string; note: string | null }> = [
  { reason: 'DAMAGED', note: null }, { reason: 'SPOILED', note: null }, { reason: 'UNDERWEIGHT', note: null }, { reason: 'LEAKING', note: null },
  { reason: 'ODOR', note: null }, { reason: 'LABEL_MISSING', note: null }, { reason: 'OTHER', note: '规格不符 not to specification' },
];
