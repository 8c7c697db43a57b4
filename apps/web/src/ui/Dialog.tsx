import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal built on the native `<dialog>`: the browser traps focus, closes it on Escape and returns
 * focus to the opener, so keyboard and screen-reader users get the platform's behaviour.
 */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The browser focuses the first focusable element (the close button); a dialog that asks for
      // input starts in its first field, its text selected, so typing replaces it.
      const field = dialog.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea)');
      field?.focus();
      if (field instanceof HTMLInputElement) field.select();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <div className="dialog-body">{open && children}</div>
    </dialog>
  );
}
