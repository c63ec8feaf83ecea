import { idCheckCharacter } from '@hub/normalize';

/** An 18-character ID number from its first 17 characters. */
export const withCheck = (first17: string): string => first17 + idCheckCharacter(first17);

/**
 * A grid worker's resident record (网格 实有人口) of one person living in a community: `n` makes
 * the record its own; the address names the community, which puts the person in it (the hub reads
 * the division from the address, as it does for the grid's records).
 */
export function gridResident(r: {
  n: number;
  /** 12-digit code of a seeded community, and its name as an address writes it. */
  community: string;
  communityName: string;
  name: string;
  idFirst17: string;
  phone: string;
  address?: string;
}) {
  return {
    记录编号: `WG-${r.community}-01-20240301-${String(r.n).padStart(4, '0')}`,
    记录类型: '实有人口',
    网格编码: `${r.community}-01`,
    采集时间: '2024-03-01 09:00:00',
    采集人: '张伟',
    姓名: r.name,
    身份证号: withCheck(r.idFirst17),
    手机号: r.phone,
    居住地址: `鼎山街道${r.communityName}${r.address ?? `东门路${r.n}号1栋1单元101室`}`,
    人员类别: '',
    与户主关系: '户主',
    户主姓名: r.name,
  };
}

/**
 * A grid worker's incident record (网格 事件) in grid 500116005002-03, a dispute at 东门路40号
 * reported on `day` (YYYYMMDD) naming `involved`; `n` makes record and incident their own.
 */
export function gridIncident(n: number, day: string, involved: Record<string, string>[]) {
  const serial = String(n).padStart(4, '0');
  return {
    记录编号: `WG-500116005002-03-${day}-${serial}`,
    记录类型: '事件',
    网格编码: '500116005002-03',
    采集时间: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)} 09:00:00`,
    采集人: '张伟',
    事件编号: `SJ-${day}-${serial}`,
    事件类型: '矛盾纠纷',
    事件描述: '邻里纠纷',
    发生地址: '鼎山街道东门路40号',
    涉及人员: involved,
    状态: '已上报',
    处置部门: '鼎山街道综治中心',
  };
}
