import { showConfirmDialog, showSuccessToast } from 'vant';
import { ApiError, post } from './http';

/**
 * An admin action behind a confirmation (停用, 审核): asks, posts, shows the toast. Answers
 * `{ answer }` once done, or null when the user said no or the server refused; a refusal's
 * Chinese message lands in `error`.
 */
export async function confirmedPost<T = unknown>(
  dialog: { title: string; message: string }, path: string, toast: string, error: { value: string },
): Promise<{ answer: T } | null> {
  try {
    await showConfirmDialog(dialog);
  } catch {
    return null;
  }
  try {
    const answer = await post<T>(path);
    showSuccessToast(toast);
    return { answer };
  } catch (e) {
    error.value = e instanceof ApiError ? e.message : String(e);
    return null;
  }
}
