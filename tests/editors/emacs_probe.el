;;; emacs_probe.el --- tla-lens in Emacs with eglot, driven in batch mode  -*- lexical-binding: t -*-
;;
;; Run by test_emacs.py: emacs --batch -l emacs_probe.el, with TLA_LENS_PROBE holding JSON
;; {"cmd": [...], "root": "...", "result": "...", "wait_s": N}.  It opens src/reports.js of the
;; webpack example through eglot (configured as a user would, via `eglot-server-programs'), and
;; writes what Emacs showed to "result" as JSON: the Flymake diagnostics of reports.js and
;; index.js, the hover text on the import, the quick fixes offered, the text after applying the
;; "lazily" one, and the diagnostics after that.  The assertions are in test_emacs.py.

(require 'eglot)
(require 'flymake)
(require 'json)
(require 'cl-lib)

(defvar probe-conf (json-read-from-string (getenv "TLA_LENS_PROBE")))
(defvar probe-root (file-name-as-directory (alist-get 'root probe-conf)))
(defvar probe-wait (alist-get 'wait_s probe-conf))
(defvar probe-out nil "alist written as the result")
(defvar probe-log nil "what happened, in order")

(defun probe-note (fmt &rest args)
  (push (apply #'format fmt args) probe-log))

(defun probe-save ()
  (with-temp-file (alist-get 'result probe-conf)
    (insert (json-encode (cons (cons 'log (vconcat (reverse probe-log))) probe-out)))))

(defun probe-wait-until (pred)
  "Run the event loop until PRED is non-nil or `probe-wait' seconds pass; PRED's value."
  (let ((end (+ (float-time) probe-wait)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) end))
      (accept-process-output nil 0.1))
    v))

(defun probe-diags ()
  "This buffer's Flymake diagnostics as (line code message) lists, sorted."
  (when (bound-and-true-p flymake-mode)
    (flymake-start))  ; (batch Emacs is never idle: no timer would start it)
  (sort (mapcar (lambda (d)
                  (let ((lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
                    (list (line-number-at-pos (flymake-diagnostic-beg d))
                          (plist-get lsp :code)
                          (flymake-diagnostic-text d))))
                (flymake-diagnostics))
        (lambda (a b) (< (car a) (car b)))))

(defun probe-async-import-lines ()
  (cl-loop for d in (probe-diags) when (equal (nth 1 d) "async-import") collect (car d)))

(defun probe-open (file)
  "Visit FILE; the first one starts eglot (M-x eglot, as `eglot-ensure' would after the
command loop, which batch Emacs does not run); later ones join its server by themselves."
  (find-file (expand-file-name file probe-root))
  (js-mode)
  (unless (eglot-managed-p)
    (apply #'eglot (eglot--guess-contact)))
  (probe-wait-until (lambda () (eglot-managed-p))))

(condition-case err
    (progn
      ;; as a user configures it: the command for JavaScript buffers, the project at the root
      (add-to-list 'eglot-server-programs
                   (cons '(js-mode) (append (alist-get 'cmd probe-conf) nil)))
      (add-hook 'project-find-functions (lambda (_dir) (cons 'transient probe-root)))
      (setq eglot-sync-connect 30 eglot-connect-timeout 60 eglot-autoshutdown nil)
      (probe-open "src/reports.js")
      (probe-note "managed: %s" (eglot-managed-p))
      (push (cons 'server (and (eglot-current-server)
                               (plist-get (eglot--server-info (eglot-current-server)) :name)))
            probe-out)
      ;; the squiggle on reports.js
      (probe-wait-until #'probe-async-import-lines)
      (push (cons 'reports_before (vconcat (mapcar #'vconcat (probe-diags)))) probe-out)
      ;; its importer index.js, in a second buffer of the same server
      (let ((reports (current-buffer)))
        (probe-open "src/index.js")
        (probe-wait-until #'probe-async-import-lines)
        (push (cons 'index_before (vconcat (mapcar #'vconcat (probe-diags)))) probe-out)
        (switch-to-buffer reports))
      ;; hover on the import's specifier (line 2)
      (goto-char (point-min))
      (forward-line 1)
      (search-forward "./UserApi.js")
      (backward-char 3)
      (let ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                    (eglot--TextDocumentPositionParams))))
        (push (cons 'hover (plist-get (plist-get hover :contents) :value)) probe-out))
      ;; the quick fixes on that line, as M-x eglot-code-actions asks for them
      (let* ((beg (line-beginning-position)) (end (line-end-position))
             (actions (eglot-code-actions beg end "quickfix"))
             (lazy (cl-find-if (lambda (a) (string-match-p "lazily" (plist-get a :title))) actions)))
        (push (cons 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions))) probe-out)
        (when lazy
          ;; applied as eglot applies a picked action (one candidate of the kind: no prompt)
          (eglot--read-execute-code-action (list lazy) (eglot--current-server-or-lose) "quickfix")
          (push (cons 'applied (plist-get lazy :title)) probe-out)
          (push (cons 'text_after (buffer-substring-no-properties (point-min) (point-max))) probe-out)
          ;; eglot sends the edit once Emacs has been idle `eglot-send-changes-idle-time'
          ;; (0.5 s); batch Emacs is never idle, so this does what that idle timer does
          (probe-note "change pending: %s" (and eglot--recent-changes t))
          (when eglot--change-idle-timer
            (cancel-timer eglot--change-idle-timer)
            (setq eglot--change-idle-timer nil))
          (eglot--signal-textDocument/didChange)))
      ;; the squiggle leaves reports.js
      (probe-wait-until (lambda () (null (probe-async-import-lines))))
      (push (cons 'reports_after (vconcat (mapcar #'vconcat (probe-diags)))) probe-out)
      ;; and from index.js, which no longer waits for it (the server re-publishes it by itself)
      (switch-to-buffer (get-file-buffer (expand-file-name "src/index.js" probe-root)))
      (probe-wait-until (lambda () (null (probe-async-import-lines))))
      (push (cons 'index_after (vconcat (mapcar #'vconcat (probe-diags)))) probe-out)
      ;; the user saves the fixed file (nothing was written before: the fix edited the buffer)
      (with-current-buffer (get-file-buffer (expand-file-name "src/reports.js" probe-root))
        (push (cons 'disk_before_save (with-temp-buffer
                                        (insert-file-contents (buffer-file-name
                                                               (get-file-buffer (expand-file-name "src/reports.js" probe-root))))
                                        (buffer-string)))
              probe-out)
        (save-buffer))
      (probe-note "done"))
  (error (probe-note "error: %S" err)))

(probe-save)
(ignore-errors (eglot-shutdown (eglot-current-server)))
(kill-emacs 0)
