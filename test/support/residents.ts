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
