import { Typography } from 'antd';
import { useDivisionName } from '../useDivisionName';

/** A division by its name, with its code beside (every division: 全区). */
export function DivisionName({ code }: { code: string | null }) {
  const name = useDivisionName(code);
  if (!code) return <span>全部辖区</span>;
  return (
    <span>
      {name !== code && <span>{name} </span>}
      <Typography.Text type="secondary">{code}</Typography.Text>
    </span>
  );
}
