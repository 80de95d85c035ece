import { InputNumber, type InputNumberProps } from 'antd';
import { useI18n } from '../i18n';

const withCommas = (value: string | number | undefined) =>
  value === undefined || value === '' ? '' : `${value}`.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const withoutCommas = (value: string | undefined) => (value ? value.replace(/[,\s]/g, '') : '');

/** Whole yuan with thousands separators while typing. */
export function MoneyInput(props: InputNumberProps<number>) {
  const { t } = useI18n();
  return (
    <InputNumber<number>
      min={0}
      precision={0}
      style={{ width: '100%' }}
      formatter={withCommas}
      // The digits as text, as antd's own parser gives them: a cleared field is empty (not given), not 0.
      parser={(v) => withoutCommas(v) as unknown as number}
      addonAfter={t('unit.yuan')}
      {...props}
    />
  );
}

export function CountInput(props: InputNumberProps<number>) {
  return <InputNumber<number> min={0} precision={0} style={{ width: '100%' }} {...props} />;
}
