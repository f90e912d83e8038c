;;; test-eglot.el --- claimls with Emacs's eglot, driven in batch mode  -*- lexical-binding: t -*-
;; emacs --batch -Q -l test-eglot.el, with CLAIMLS_SNIPPET (the init.el snippet from
;; editors/README.md), CLAIMLS_FILE (a copy of a fixture: errors.claim or errors.837),
;; CLAIMLS_FILETYPE (the mode it must open in, without `-mode`: claim, x12), CLAIMLS_HOVER_AT
;; (a regexp ending inside E11.9 / E119, where the hover is asked) and the server's directory
;; on PATH. Prints `PASS emacs: …` / `FAIL emacs: …` lines.

(require 'cl-lib)
(setq inhibit-message nil
      eglot-sync-connect 10
      eglot-connect-timeout 20
      eglot-events-buffer-config '(:size 0 :format full))

(defvar claimls-test-failed 0)
(defvar claimls-test-passed 0)
(defun claimls-test-report (ok name &optional why)
  (if ok
      (progn (cl-incf claimls-test-passed) (princ (format "PASS emacs: %s\n" name)))
    (cl-incf claimls-test-failed)
    (princ (format "FAIL emacs: %s: %s\n" name (replace-regexp-in-string "\n" " | " (format "%s" why))))))

(defun claimls-test-wait (pred seconds)
  "Poll PRED for up to SECONDS while letting processes run."
  (let ((deadline (+ (float-time) seconds)) (result nil))
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    result))

(defun claimls-test-codes ()
  (mapcar (lambda (d)
            (let ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
              (format "%s" (plist-get lsp :code))))
          (flymake-diagnostics)))

(setq exec-path (append (split-string (or (getenv "PATH") "") ":" t) exec-path))
(load (getenv "CLAIMLS_SNIPPET") nil t)
(require 'eglot)

(defvar claimls-test-mode (intern (concat (getenv "CLAIMLS_FILETYPE") "-mode")))

(condition-case err
    (progn
      (find-file (getenv "CLAIMLS_FILE"))
      (claimls-test-report (eq major-mode claimls-test-mode)
                           (format "the README snippet sets %s for %s" claimls-test-mode
                                   (file-name-nondirectory (getenv "CLAIMLS_FILE")))
                           major-mode)
      ;; eglot-ensure connects from post-command-hook, which batch mode never runs.
      (unless (eglot-current-server)
        (apply #'eglot (eglot--guess-contact)))
      (claimls-test-report (claimls-test-wait #'eglot-current-server 20) "eglot connects to claimls"
                           "no server")
      (let ((ok (claimls-test-wait
                 (lambda () (let ((codes (claimls-test-codes)))
                              (and (member "header-code" codes) (member "npi" codes))))
                 20)))
        (claimls-test-report ok "flymake shows header-code and npi diagnostics"
                             (format "codes: %S" (claimls-test-codes))))
      (goto-char (point-min))
      (re-search-forward (getenv "CLAIMLS_HOVER_AT"))
      (let* ((hover (ignore-errors
                      (jsonrpc-request (eglot-current-server) :textDocument/hover
                                       (eglot--TextDocumentPositionParams) :timeout 10)))
             (contents (plist-get hover :contents))
             (text (cond ((stringp contents) contents)
                         ((plist-get contents :value))
                         (t (format "%S" contents)))))
        (claimls-test-report (and text (string-match-p "Type 2 diabetes mellitus without complications" text))
                             "hover on the code E11.9 shows its title" (format "hover: %S" text)))
      (eglot-shutdown (eglot-current-server) nil 5))
  (error (claimls-test-report nil "eglot session" (error-message-string err))))

(when (= claimls-test-passed 0) (setq claimls-test-failed (max 1 claimls-test-failed)))
(kill-emacs (if (> claimls-test-failed 0) 1 0))
