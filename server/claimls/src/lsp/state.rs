//! The server's state: open documents (a rope, a version, and that version's text, parsed
//! document and diagnostics once made), the editor's settings, the configuration and code sets
//! per document. Nothing here awaits: every method takes
//! and drops its locks (and dashmap guards) before returning.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use claimls_analysis::codes::CodeSets;
use claimls_analysis::config::{self, Config, ConfigError};
use claimls_analysis::{Diagnostic, EDITOR_DOCUMENT_LIMIT, Language, incremental};
use dashmap::DashMap;
use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::line_index::{Encoding, LineIndex, apply_change};
use crate::analysis::ParsedDocument;

/// How logs name a document: a short hash of its URI, the same all session, so that one
/// document's events can be followed without its path (file names can carry patient names).
pub fn log_id(uri: &Uri) -> String {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same URI gets the same id in every run.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    uri.as_str().hash(&mut hasher);
    format!("doc-{:08x}", hasher.finish() as u32)
}

/// Knobs for tests and the environment.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long diagnostics wait after the last change.
    pub debounce: Duration,
}

/// The default debounce before diagnostics are computed.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

impl Default for Options {
    fn default() -> Self {
        Options { debounce: DEBOUNCE }
    }
}

impl Options {
    /// The defaults, with `CLAIMLS_DEBOUNCE_MS` when it is set to a number.
    pub fn from_env() -> Options {
        let debounce = std::env::var("CLAIMLS_DEBOUNCE_MS")
            .ok()
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map_or(DEBOUNCE, Duration::from_millis);
        Options { debounce }
    }
}

struct Document {
    rope: Rope,
    version: i32,
    /// The text of this version: the one `didOpen` brought, else made from the rope on first use.
    text: Option<Arc<str>>,
    /// This version parsed, once, by the first request that needs it; a change puts a new,
    /// empty cell here.
    parsed: Arc<OnceLock<ParsedDocument>>,
    /// An earlier version of an 837, parsed, until this one is: its parse reuses what the
    /// edits left alone ([`ParsedDocument::parse_after`]).
    previous: Option<Arc<OnceLock<ParsedDocument>>>,
    /// Whether non-empty diagnostics were pushed for it.
    pushed: bool,
    /// The diagnostics of this version, once checked, so that hovers and code actions do not
    /// check the document again.
    checked: Option<Checked>,
    /// The claims of the latest version checked (this one or an older one) with their
    /// diagnostics: the next check checks again only the claims an edit changed.
    base: Option<(i32, Arc<incremental::Checked>)>,
}

/// A version's diagnostics, and the configuration generation they were found with.
struct Checked {
    generation: u64,
    diagnostics: Arc<Vec<Diagnostic>>,
}

/// What the client said in `initialize`, and the settings since.
#[derive(Default)]
pub struct Session {
    pub encoding: Encoding,
    /// The editor's settings as sent (the `claimls` object), laid over each `claimls.toml`.
    pub editor: serde_json::Value,
    /// The code files the editor's settings name (resolved against the workspace root).
    pub editor_code_files: Vec<PathBuf>,
    pub root: Option<PathBuf>,
    pub root_uri: Option<Uri>,
    /// The client announced `textDocument.diagnostic` (pull diagnostics).
    pub client_can_pull: bool,
    /// The client announced `workspace.diagnostics.refreshSupport`.
    pub client_can_refresh: bool,
    /// The client can watch files for us (`workspace.didChangeWatchedFiles.dynamicRegistration`):
    /// `claimls.toml` changes then arrive as `workspace/didChangeWatchedFiles`.
    pub client_can_watch: bool,
}

/// One version of a document with everything a request needs, owned: no lock is held.
pub struct Snapshot {
    pub uri: Uri,
    pub rope: Rope,
    pub text: Arc<str>,
    pub version: i32,
    pub encoding: Encoding,
    pub config: Arc<Config>,
    pub sets: CodeSets,
    /// The configuration generation `config` belongs to.
    pub generation: u64,
    /// The diagnostics of this version with this configuration, when already found.
    pub checked: Option<Arc<Vec<Diagnostic>>>,
    /// This version's parsed document, shared with the state: filled once, by whoever needs
    /// it first.
    pub parsed_cell: Arc<OnceLock<ParsedDocument>>,
    /// An earlier version parsed, for [`Snapshot::parse`] to reuse.
    pub previous: Option<Arc<OnceLock<ParsedDocument>>>,
    /// What the latest check found claim by claim, for checking this version incrementally.
    pub base: Option<Arc<incremental::Checked>>,
    /// The document's syntax: by the file's extension, else by its content.
    pub language: Language,
}

impl Snapshot {
    pub fn index(&self) -> LineIndex<'_> {
        LineIndex::new(&self.rope, self.encoding)
    }

    /// Over [`EDITOR_DOCUMENT_LIMIT`]: its diagnostics are the one `document-too-large`, and
    /// the features answer nothing rather than parse it on every request.
    pub fn too_large(&self) -> bool {
        self.rope.len_bytes() > EDITOR_DOCUMENT_LIMIT
    }

    /// This version parsed: the tree made once per version, here on tokio's blocking pool
    /// (never on a runtime thread: a large document takes a while) unless it is made already.
    /// `None` only if the parse panicked (a bug; the parser never fails).
    pub async fn parsed(&self) -> Option<&ParsedDocument> {
        if self.parsed_cell.get().is_none() {
            let (cell, previous) = (self.parsed_cell.clone(), self.previous.clone());
            let (text, language) = (self.text.clone(), self.language);
            tokio::task::spawn_blocking(move || {
                parse_into(&cell, &text, language, previous.as_deref());
            })
            .await
            .ok()?;
        }
        self.parsed_cell.get()
    }

    /// The version's parsed document, parsed now unless it is made already (reusing the
    /// earlier version's, [`ParsedDocument::parse_after`]). It may parse the whole document:
    /// call it off the runtime's threads.
    pub fn parse(&self) -> &ParsedDocument {
        parse_into(&self.parsed_cell, &self.text, self.language, self.previous.as_deref())
    }

    /// [`Snapshot::parsed`] with its semantic tokens made too (on the blocking pool).
    pub async fn parsed_with_tokens(&self) -> Option<&ParsedDocument> {
        let ready = self.parsed_cell.get().is_some_and(ParsedDocument::has_semantic_tokens);
        if !ready {
            let (cell, previous) = (self.parsed_cell.clone(), self.previous.clone());
            let (text, language) = (self.text.clone(), self.language);
            tokio::task::spawn_blocking(move || {
                parse_into(&cell, &text, language, previous.as_deref()).semantic_tokens();
            })
            .await
            .ok()?;
        }
        self.parsed_cell.get()
    }
}

/// The parsed document in `cell`, made now unless it is already, reusing `previous` when
/// that is filled.
fn parse_into<'c>(
    cell: &'c OnceLock<ParsedDocument>,
    text: &Arc<str>,
    language: Language,
    previous: Option<&OnceLock<ParsedDocument>>,
) -> &'c ParsedDocument {
    cell.get_or_init(|| {
        ParsedDocument::parse_after(text.clone(), language, previous.and_then(OnceLock::get))
    })
}

/// The one thread that checks documents (parsing them for the check), one check at a time,
/// rather than tokio's blocking pool: glibc gives each thread a heap of its own and a heap keeps
/// its peak, so checks spread over the pool's threads kept a document's model in each (RSS after
/// 30 edits of a 1 MB 837: 204 MB on the pool, 105 MB on one thread).
pub struct CheckThread {
    jobs: Mutex<std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>>,
}

impl CheckThread {
    fn start() -> CheckThread {
        let (jobs, receive) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        // It ends when the state (the sending end) is dropped.
        let started = std::thread::Builder::new().name("claimls-check".into()).spawn(move || {
            for job in receive {
                // A panic (a bug) loses that job's answer (its caller gets `None`), not the thread.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        });
        if let Err(error) = started {
            tracing::error!("cannot start the check thread: {error}");
        }
        CheckThread { jobs: Mutex::new(jobs) }
    }

    /// Runs `job` on the check thread, after the jobs before it; `None` if it panicked. (Waited
    /// for on tokio's blocking pool, which tells tokio's paused clock of the tests that work is
    /// under way.)
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let wait = move || {
            let (send, receive) = std::sync::mpsc::sync_channel(1);
            let job = Box::new(move || {
                let _ = send.send(job());
            });
            jobs.send(job).ok()?;
            receive.recv().ok()
        };
        tokio::task::spawn_blocking(wait).await.ok().flatten()
    }
}

pub struct State {
    pub options: Options,
    /// Where documents are checked.
    pub checks: CheckThread,
    documents: DashMap<Uri, Document>,
    pub session: RwLock<Session>,
    /// Once the client has pulled diagnostics, they are no longer pushed (an editor would show
    /// both sets).
    pub client_pulls: AtomicBool,
    toml_configs: Mutex<HashMap<PathBuf, (Config, Vec<ConfigError>)>>,
    code_sets: Mutex<HashMap<Vec<PathBuf>, CodeSets>>,
    /// Messages already shown to the user, so each is shown once.
    shown: Mutex<HashSet<String>>,
    /// Counts configuration changes: diagnostics found with an older configuration are stale.
    generation: AtomicU64,
    /// The word index of the bundled code sets is being built (or is built).
    pub word_index_started: AtomicBool,
}

impl State {
    pub fn new(options: Options) -> State {
        State {
            options,
            checks: CheckThread::start(),
            documents: DashMap::new(),
            session: RwLock::new(Session::default()),
            client_pulls: AtomicBool::new(false),
            toml_configs: Mutex::new(HashMap::new()),
            code_sets: Mutex::new(HashMap::new()),
            shown: Mutex::new(HashSet::new()),
            generation: AtomicU64::new(0),
            word_index_started: AtomicBool::new(false),
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.session.read().map(|session| session.encoding).unwrap_or_default()
    }

    /// Opens a document with the text `didOpen` brought, kept as this version's text (the first
    /// check and the first hovers need it; making it again from the rope would copy it).
    pub fn open(&self, uri: Uri, version: i32, text: String) {
        let document = Document {
            rope: Rope::from_str(&text),
            version,
            text: Some(Arc::from(text)),
            parsed: Arc::default(),
            previous: None,
            pushed: false,
            checked: None,
            base: None,
        };
        self.documents.insert(uri, document);
    }

    /// Applies the changes in order; false when the document is not open.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        let encoding = self.encoding();
        let Some(mut document) = self.documents.get_mut(uri) else {
            return false;
        };
        for change in changes {
            apply_change(&mut document.rope, encoding, change.range, &change.text);
        }
        document.version = version;
        document.text = None;
        // An 837 parsed keeps its parse for the next one (the latest one parsed: the edits
        // since are one changed range all the same).
        let parsed = std::mem::take(&mut document.parsed);
        if parsed.get().is_some_and(|parsed| parsed.language() == Language::X12) {
            document.previous = Some(parsed);
        }
        document.checked = None;
        true
    }

    /// Closes the document; true when diagnostics had been pushed for it.
    pub fn close(&self, uri: &Uri) -> bool {
        self.documents.remove(uri).is_some_and(|(_, document)| document.pushed)
    }

    /// The document's text and version as the server has them (for the protocol tests).
    #[allow(dead_code)]
    pub fn document(&self, uri: &Uri) -> Option<(String, i32)> {
        self.documents.get(uri).map(|document| (document.rope.to_string(), document.version))
    }

    /// The parsed-document cell of the current version (for the protocol tests: one cell per
    /// version, filled once).
    pub fn parsed_cell(&self, uri: &Uri) -> Option<Arc<OnceLock<ParsedDocument>>> {
        self.documents.get(uri).map(|document| document.parsed.clone())
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.documents.get(uri).map(|document| document.version)
    }

    pub fn open_documents(&self) -> Vec<(Uri, i32)> {
        self.documents.iter().map(|entry| (entry.key().clone(), entry.version)).collect()
    }

    pub fn any_document(&self) -> Option<Uri> {
        self.documents.iter().next().map(|entry| entry.key().clone())
    }

    /// Records whether non-empty diagnostics were pushed for `version`; false when the
    /// document has moved on (or closed) and the result must be dropped.
    pub fn mark_pushed(&self, uri: &Uri, version: i32, pushed: bool) -> bool {
        match self.documents.get_mut(uri) {
            Some(mut document) if document.version == version => {
                document.pushed = pushed;
                true
            }
            _ => false,
        }
    }

    /// Keeps the diagnostics of `version` found with configuration `generation`, unless the
    /// document or the configuration has moved on since.
    pub fn store_checked(
        &self,
        uri: &Uri,
        version: i32,
        generation: u64,
        diagnostics: &Arc<Vec<Diagnostic>>,
    ) {
        if generation != self.generation.load(Ordering::Acquire) {
            return;
        }
        if let Some(mut document) = self.documents.get_mut(uri)
            && document.version == version
        {
            document.checked = Some(Checked { generation, diagnostics: diagnostics.clone() });
        }
    }

    /// Forgets the earlier version kept for parsing `version`, once that is parsed.
    pub fn parsed(&self, uri: &Uri, version: i32) {
        if let Some(mut document) = self.documents.get_mut(uri)
            && document.version == version
        {
            document.previous = None;
        }
    }

    /// Keeps what the check of `version` found claim by claim, unless a later version's is kept.
    pub fn store_base(&self, uri: &Uri, version: i32, base: Arc<incremental::Checked>) {
        if let Some(mut document) = self.documents.get_mut(uri)
            && document.base.as_ref().is_none_or(|(kept, _)| *kept <= version)
        {
            document.base = Some((version, base));
        }
    }

    /// The document as it is now, with its configuration and code sets. Messages about bad
    /// configuration or code files go to `messages` (each once per session).
    pub fn snapshot(&self, uri: &Uri, messages: &mut Vec<String>) -> Option<Snapshot> {
        // Read before the configuration, so that a change while it is read makes it stale.
        let generation = self.generation.load(Ordering::Acquire);
        let (rope, text, version, checked, parsed_cell, previous, base) = {
            let mut document = self.documents.get_mut(uri)?;
            let text = match &document.text {
                Some(text) => text.clone(),
                None => {
                    let text: Arc<str> = Arc::from(document.rope.to_string());
                    document.text = Some(text.clone());
                    text
                }
            };
            let checked = document
                .checked
                .as_ref()
                .filter(|checked| checked.generation == generation)
                .map(|checked| checked.diagnostics.clone());
            let base = document.base.as_ref().map(|(_, base)| base.clone());
            let parsed = document.parsed.clone();
            (
                document.rope.clone(),
                text,
                document.version,
                checked,
                parsed,
                document.previous.clone(),
                base,
            )
        };
        let config = self.config_for(uri, messages);
        let sets = self.code_sets_for(&config.code_files, messages);
        let language = document_language(uri, &text);
        Some(Snapshot {
            uri: uri.clone(),
            rope,
            text,
            version,
            encoding: self.encoding(),
            config: Arc::new(config),
            sets,
            generation,
            checked,
            parsed_cell,
            previous,
            base,
            language,
        })
    }

    /// The nearest `claimls.toml` of the document (cached per directory) with the editor's
    /// settings over it.
    fn config_for(&self, uri: &Uri, messages: &mut Vec<String>) -> Config {
        let path = uri.to_file_path().map(|path| path.into_owned());
        let toml = match path.as_deref().and_then(Path::parent) {
            Some(directory) => {
                let mut cache = self.toml_configs.lock().unwrap_or_else(|e| e.into_inner());
                let (config, errors) = cache.entry(directory.to_path_buf()).or_insert_with(|| {
                    crate::config_files::load_for_path(path.as_deref().unwrap_or(directory))
                });
                messages.extend(errors.iter().map(ToString::to_string));
                config.clone()
            }
            None => Config::default(),
        };
        let session = self.session.read().unwrap_or_else(|e| e.into_inner());
        // Errors in the editor's settings were shown when they arrived.
        config::merged(&toml, &session.editor, session.root.as_deref()).0
    }

    pub fn code_sets_for(&self, files: &[PathBuf], messages: &mut Vec<String>) -> CodeSets {
        if files.is_empty() {
            return CodeSets::bundled();
        }
        let mut key = files.to_vec();
        key.sort();
        key.dedup();
        let mut cache = self.code_sets.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(key)
            .or_insert_with_key(|key| {
                let started = std::time::Instant::now();
                let (sets, errors) = CodeSets::with_user_files(key);
                tracing::info!(files = key.len(), errors = errors.len(), elapsed = ?started.elapsed(), "loaded code files");
                messages.extend(errors.iter().map(|error| format!("code file {error}")));
                sets
            })
            .clone()
    }

    /// Forgets cached `claimls.toml` files and code sets, and which messages were shown (the
    /// settings or a `claimls.toml` changed): each file is read again when next needed, and
    /// its problems are shown once more, once for this change.
    pub fn invalidate_configs(&self, code_sets_too: bool) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.toml_configs.lock().unwrap_or_else(|e| e.into_inner()).clear();
        if code_sets_too {
            self.code_sets.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        self.shown.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The messages not shown before.
    pub fn new_messages(&self, messages: Vec<String>) -> Vec<String> {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        messages.into_iter().filter(|message| shown.insert(message.clone())).collect()
    }

    pub fn client_pulls(&self) -> bool {
        self.client_pulls.load(Ordering::Relaxed)
    }
}

/// A document's syntax: by its file's extension (`.837`, `.hl7`, `.claims` …), else by its
/// content (`ISA` or `ST*` starts an X12 file, `MSH` an HL7 one), as `claimls check` decides.
fn document_language(uri: &Uri, text: &str) -> Language {
    let path = uri.path().as_str();
    Language::of_file(Path::new(path), text)
}
