import { Alert, Button, Modal, Typography } from 'antd';

/**
 * A client's new API key, shown once: the hub stores only its SHA-256, so closing this window
 * loses it for good (a lost key is replaced by rotating it).
 */
export function ApiKeyModal({
  shown,
  onClose,
}: {
  shown: { clientName: string; token: string } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      open={!!shown}
      title={`“${shown?.clientName ?? ''}”的 API 密钥`}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose}>
          我已复制保存，关闭
        </Button>
      }
    >
      <Alert
        type="warning"
        showIcon
        title="密钥只显示这一次"
        description="请立即复制，保存到该部门系统的配置中。关闭此窗口后无法再次查看；如遗失，只能更换密钥。"
        style={{ marginBottom: 12 }}
      />
      <Typography.Paragraph
        data-testid="api-key"
        code
        copyable={{ text: shown?.token ?? '', tooltips: ['复制密钥', '已复制'] }}
        style={{ wordBreak: 'break-all' }}
      >
        {shown?.token}
      </Typography.Paragraph>
    </Modal>
  );
}
