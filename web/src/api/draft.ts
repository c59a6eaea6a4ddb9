import { reactive, watch } from 'vue';

/**
 * A form whose contents survive a failed request, a reload and a trip to another screen: kept in
 * sessionStorage under `key` until `clear()` after a successful save.
 */
export function useDraft<T extends object>(key: string, initial: () => T): { form: T; clear: () => void } {
  const storageKey = `vc.draft.${key}`;
  let saved: Partial<T> = {};
  try {
    saved = JSON.parse(sessionStorage.getItem(storageKey) ?? '{}');
  } catch { /* a broken draft starts over */ }
  const form = reactive({ ...initial(), ...saved }) as T;
  watch(form, (v) => sessionStorage.setItem(storageKey, JSON.stringify(v)), { deep: true });
  return {
    form,
    clear: () => {
      sessionStorage.removeItem(storageKey);
      Object.assign(form, initial());
    },
  };
}
