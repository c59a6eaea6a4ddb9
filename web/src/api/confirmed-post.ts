import { showConfirmDialog, showSuccessToast } from 'vant';
import { post, showFormError } from './http';

/**
 * An action behind a confirmation (停用, 审核, 退还农户): asks, posts (with `form.body` if given),
 * shows the toast. Answers `{ answer }` once done, or null when the user said no or the server
 * refused; a refusal's Chinese message lands in `error`, and with `form.errors` each field's message
 * next to its field (showFormError).
 */
export async function confirmedPost<T = unknown>(
  dialog: { title: string; message: string }, path: string, toast: string, error: { value: string },
  form?: { body: unknown; errors?: Record<string, string> },
): Promise<{ answer: T } | null> {
  try {
    await showConfirmDialog(dialog);
  } catch {
    return null;
  }
  try {
    const answer = await post<T>(path, form?.body);
    showSuccessToast(toast);
    return { answer };
  } catch (e) {
    showFormError(e, form?.errors ?? {}, error);
    return null;
  }
}
