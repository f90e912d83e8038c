//! The `LanguageServer` implementation: text sync, diagnostics (pushed after a debounce and
//! pulled), configuration (the editor's settings, watched `claimls.toml` files), each request
//! handed to the analysis (through `crate::analysis`, on the version's one parsed document),
//! and the custom requests `claimls/searchCodes` and `claimls/phiRanges`.
//!
//! Text-sync notifications change the state synchronously, before their first `.await`, so
//! they apply in arrival order even though tower-lsp runs handlers concurrently. No lock or
//! dashmap guard lives across an `.await`: requests work on an owned [`Snapshot`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use claimls_analysis::codes::CodeSets;
use claimls_analysis::config::CONFIG_FILE_NAME;
use claimls_analysis::{Language, ide};
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::notification::{Notification as _, PublishDiagnostics};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::line_index::Encoding;
use super::settings::claimls_section;
use super::state::{Options, Snapshot, State, log_id};
use super::to_proto;
use super::transport::Outbox;
use crate::analysis::{self, ParsedDocument};
use crate::config_files::is_config_file;

/// The title of the source action that applies every `code-format` fix.
pub const FIX_ALL_CODE_FORMAT: &str = "Fix all code-format issues in this file";
/// Its kind.
pub const FIX_ALL_KIND: &str = "source.fixAll.claimls";
/// The code action that puts every segment of an 837 on one line (formatting puts one segment
/// a line): a `source` action, so that it needs no command round trip.
pub const JOIN_LINES_KIND: &str = "source.claimls.x12.joinLines";
pub const JOIN_LINES: &str = "Join the segments into one line";
/// At most this many symbols (claims and orders of the open documents) answer a
/// workspace-symbol query.
const WORKSPACE_SYMBOL_LIMIT: usize = 100;

pub struct Backend {
    client: Client,
    state: Arc<State>,
    /// Where large notifications go without the `Client`'s detour (see [`Outbox`]).
    pub(super) outbox: Outbox,
}

impl Backend {
    pub fn new(client: Client, options: Options) -> Backend {
        Backend::with_state(client, Arc::new(State::new(options)))
    }

    /// A server over state the caller keeps a handle on (tests look at the documents).
    pub fn with_state(client: Client, state: Arc<State>) -> Backend {
        Backend { client, state, outbox: Outbox::default() }
    }

    /// A snapshot of `uri` for a feature request: none for a document over the size limit
    /// (features answer nothing rather than parse it on every request).
    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        self.snapshot_any_size(uri).filter(|snapshot| !snapshot.too_large())
    }

    /// A snapshot of `uri`, showing any new configuration message on the way.
    fn snapshot_any_size(&self, uri: &Uri) -> Option<Snapshot> {
        let mut messages = Vec::new();
        let snapshot = self.state.snapshot(uri, &mut messages);
        self.show_warnings(messages);
        if snapshot.is_none() {
            tracing::debug!(document = %log_id(uri), "request for a document that is not open");
        }
        snapshot
    }

    /// Shows each message not shown before as a warning, without waiting.
    fn show_warnings(&self, messages: Vec<String>) {
        let messages = self.state.new_messages(messages);
        if messages.is_empty() {
            return;
        }
        tracing::warn!(count = messages.len(), "configuration problems");
        let client = self.client.clone();
        tokio::spawn(async move {
            for message in messages {
                client.show_message(MessageType::WARNING, format!("claimls: {message}")).await;
            }
        });
    }

    /// Checks `uri` after `delay` and pushes the result, unless the document changed
    /// meanwhile (a newer version gets its own run) or the client pulls diagnostics.
    ///
    /// Edits wait for the debounce so a burst of keystrokes is checked once; a freshly opened
    /// document is checked at once (`Delay::None`) so its problems show without a pause.
    fn schedule_diagnostics(&self, uri: Uri, version: i32, delay: Delay) {
        if self.state.client_pulls() {
            return;
        }
        let state = self.state.clone();
        let client = self.client.clone();
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            if delay == Delay::Debounce {
                tokio::time::sleep(state.options.debounce).await;
            }
            if state.version(&uri) != Some(version) {
                return;
            }
            let mut messages = Vec::new();
            let Some(snapshot) = state.snapshot(&uri, &mut messages) else {
                return;
            };
            let messages = state.new_messages(messages);
            for message in messages {
                client.show_message(MessageType::WARNING, format!("claimls: {message}")).await;
            }
            if snapshot.version != version {
                return;
            }
            let started = Instant::now();
            let checking = state.clone();
            // The notification is written on the check thread too: for a large document it
            // is megabytes of JSON.
            let published = state
                .checks
                .run(move || {
                    let found = checked(&checking, &snapshot);
                    let index = snapshot.index();
                    let many = index.many(&snapshot.text);
                    let range = |span| many.range(span);
                    let message = publish_message(range, &snapshot.uri, version, &found);
                    (message, found.len(), snapshot)
                })
                .await;
            let (message, count, done) = match published {
                Some((message, count, snapshot)) => (message, count, Some(snapshot)),
                None => (publish_message(|_| Range::default(), &uri, version, &[]), 0, None),
            };
            // The document may have moved on while this ran: drop a stale result.
            let stale = state.client_pulls() || !state.mark_pushed(&uri, version, count > 0);
            if stale {
                tracing::debug!(document = %log_id(&uri), version, "dropped stale diagnostics");
            } else {
                tracing::debug!(
                    document = %log_id(&uri),
                    version,
                    count,
                    elapsed = ?started.elapsed(),
                    "publishing diagnostics"
                );
                if let Err(message) = outbox.send(message) {
                    // No transport of ours (a test driving the service alone): through the
                    // `Client`, the same parameters read back.
                    #[derive(serde::Deserialize)]
                    struct Message {
                        params: PublishDiagnosticsParams,
                    }
                    if let Ok(Message { params }) = serde_json::from_str(&message) {
                        client
                            .publish_diagnostics(params.uri, params.diagnostics, params.version)
                            .await;
                    }
                }
            }
            // The snapshot holds the last references to the earlier version's parse and check
            // (a model's worth of memory to free): dropped on the check thread once the result
            // is out, not before.
            if let Some(done) = done {
                state.checks.run(move || drop(done)).await;
            }
            if stale {
                return;
            }
            warm_up_word_index(&state);
        });
    }

    /// The configuration files changed: forget what was read, check every open document
    /// again (which reads the files again and shows their problems) and have a pulling client
    /// pull again.
    async fn configuration_files_changed(&self) {
        tracing::info!("claimls.toml changed");
        self.state.invalidate_configs(false);
        self.recheck_all();
        self.refresh_pulled().await;
    }

    fn recheck_all(&self) {
        for (uri, version) in self.state.open_documents() {
            self.schedule_diagnostics(uri, version, Delay::Debounce);
        }
    }

    /// Asks a pulling client to pull again after the configuration changed, if it said it
    /// understands `workspace/diagnostic/refresh` (other clients pull on their next edit).
    async fn refresh_pulled(&self) {
        let can_refresh = self.state.session.read().is_ok_and(|session| session.client_can_refresh);
        if self.state.client_pulls() && can_refresh {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }

    /// Takes new editor settings (the `claimls` object), reporting bad values.
    fn set_editor_settings(&self, value: &Value) {
        let root = self.state.session.read().ok().and_then(|session| session.root.clone());
        let (config, errors) = claimls_analysis::config::from_json(value, root.as_deref());
        if let Ok(mut session) = self.state.session.write() {
            session.editor = value.clone();
            session.editor_code_files = config.code_files;
        }
        let errors = errors.iter().map(ToString::to_string).collect();
        self.state.invalidate_configs(true);
        self.show_warnings(errors);
    }
}

/// The parameters of `claimls/searchCodes`.
#[derive(Debug, serde::Deserialize)]
pub struct SearchCodesParams {
    pub query: String,
    /// At most this many codes (default [`SEARCH_CODES_LIMIT`], at most 200).
    pub limit: Option<usize>,
}

/// One code of a `claimls/searchCodes` answer.
#[derive(Debug, serde::Serialize)]
pub struct CodeHit {
    /// As written in a claim (ICD-10-CM with its dot).
    pub code: String,
    /// `ICD-10-CM`, `ICD-10-PCS`, `HCPCS`, `CPT`, `modifier` or `place of service`.
    pub system: &'static str,
    pub title: String,
    /// False for an ICD-10-CM category or other header that cannot be billed.
    pub billable: bool,
}

/// The parameters of `claimls/phiRanges`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhiRangesParams {
    pub text_document: TextDocumentIdentifier,
}

/// How many codes `claimls/searchCodes` answers when the client names no limit.
pub const SEARCH_CODES_LIMIT: usize = 50;
/// The most it answers.
const SEARCH_CODES_MAX: usize = 200;

/// The custom requests (`docs/claim-format.md`, "Custom LSP requests").
impl Backend {
    /// `claimls/searchCodes`: codes by code, code prefix or words of the title, as
    /// `claimls lookup` finds them, in the code sets of the editor's settings.
    pub async fn search_codes(&self, params: SearchCodesParams) -> Result<Vec<CodeHit>> {
        let started = Instant::now();
        let limit = params.limit.unwrap_or(SEARCH_CODES_LIMIT).min(SEARCH_CODES_MAX);
        if params.query.trim().is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let editor_files = self
            .state
            .session
            .read()
            .map(|session| session.editor_code_files.clone())
            .unwrap_or_default();
        let mut messages = Vec::new();
        let sets = self.state.code_sets_for(&editor_files, &mut messages);
        self.show_warnings(messages);
        // The first search builds the word index: not on a runtime thread.
        let query = params.query;
        let hits =
            tokio::task::spawn_blocking(move || analysis::search_codes(&sets, &query, limit))
                .await
                .unwrap_or_default();
        tracing::debug!(count = hits.len(), elapsed = ?started.elapsed(), "claimls/searchCodes");
        Ok(hits
            .into_iter()
            .map(|hit| CodeHit {
                code: hit.code,
                system: hit.system.name(),
                title: hit.title,
                billable: hit.billable,
            })
            .collect())
    }

    /// `claimls/phiRanges`: the ranges of patient data in an open document (what the
    /// editor's presentation mode masks), as the server's parser reads it. Empty for a
    /// document that is not open or over the size limit.
    pub async fn phi_ranges(&self, params: PhiRangesParams) -> Result<Vec<Range>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(Vec::new());
        };
        // The claim language finds names in comments through the semantic tokens; X12 and HL7
        // need none (an 837's tokens are a few per element: not worth making for this).
        let parsed = match snapshot.language {
            Language::Claim => snapshot.parsed_with_tokens().await,
            Language::X12 | Language::Hl7 => snapshot.parsed().await,
        };
        let Some(parsed) = parsed else { return Ok(Vec::new()) };
        let index = snapshot.index();
        Ok(parsed.phi_spans().into_iter().map(|span| index.range(span)).collect())
    }
}

/// How long after `initialize` the word index is built if no diagnostics came before.
const WARM_UP_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Builds the word index (for searches by words of a title) on a thread of its own, once.
fn warm_up_word_index(state: &State) {
    if !state.word_index_started.swap(true, Ordering::Relaxed) {
        std::thread::spawn(|| CodeSets::bundled().warm_up());
    }
}

/// When a scheduled check runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delay {
    /// Right away: the document was just opened.
    None,
    /// After the debounce: the document is being edited.
    Debounce,
}

/// Every diagnostic of the document (for a document over the size limit, the one that says
/// so): those already found for this version, else found now and kept for the next request.
/// It may check the whole document: call it off the runtime's threads ([`checked_async`]).
fn checked(state: &State, snapshot: &Snapshot) -> Arc<Vec<claimls_analysis::Diagnostic>> {
    if let Some(checked) = &snapshot.checked {
        return checked.clone();
    }
    let found = Arc::new(if snapshot.too_large() {
        analysis::too_large(&snapshot.text, &snapshot.config)
    } else {
        // The version's one parse, which the requests share; only the claims changed since
        // the last check are checked again.
        let parsed = snapshot.parse();
        state.parsed(&snapshot.uri, snapshot.version);
        let (sets, config) = (&snapshot.sets, &snapshot.config);
        let (found, base, reuse) =
            parsed.diagnostics(sets, config, snapshot.generation, snapshot.base.as_deref());
        tracing::debug!(checked = reuse.checked, reused = reuse.reused, "claims checked");
        state.store_base(&snapshot.uri, snapshot.version, Arc::new(base));
        found
    });
    state.store_checked(&snapshot.uri, snapshot.version, snapshot.generation, &found);
    found
}

/// [`checked`] from a request handler: at once when known, else on tokio's blocking pool.
async fn checked_async(
    state: &Arc<State>,
    snapshot: Snapshot,
) -> Arc<Vec<claimls_analysis::Diagnostic>> {
    if let Some(checked) = &snapshot.checked {
        return checked.clone();
    }
    let state = state.clone();
    let checking = state.clone();
    state.checks.run(move || checked(&checking, &snapshot)).await.unwrap_or_default()
}

/// The `textDocument/publishDiagnostics` notification of `diagnostics`, as JSON.
fn publish_message(
    range: impl Fn(claimls_analysis::Span) -> Range,
    uri: &Uri,
    version: i32,
    diagnostics: &[claimls_analysis::Diagnostic],
) -> String {
    super::transport::notification_with(PublishDiagnostics::METHOD, |out| {
        to_proto::write_publish_diagnostics(out, range, uri, version, diagnostics)
    })
}

/// [`checked`] as LSP diagnostics.
fn diagnostics(state: &State, snapshot: &Snapshot) -> Vec<Diagnostic> {
    let index = snapshot.index();
    let many = index.many(&snapshot.text);
    checked(state, snapshot)
        .iter()
        .map(|d| to_proto::diagnostic_with(|span| many.range(span), &snapshot.uri, d))
        .collect()
}

fn server_version(sets: &CodeSets) -> String {
    let editions: Vec<String> = sets
        .editions()
        .iter()
        .filter_map(|edition| {
            let name = match edition.set {
                "icd10cm" => "ICD-10-CM",
                "icd10pcs" => "ICD-10-PCS",
                "hcpcs" => "HCPCS",
                _ => return None,
            };
            // "FY2026 tabular (April 1, 2026); validity …" → "FY2026".
            let short = edition.edition.split([';', '(']).next().unwrap_or("");
            let short: Vec<&str> = short
                .split_whitespace()
                .filter(|word| !matches!(*word, "tabular" | "titles"))
                .collect();
            Some(format!("{name} {}", short.join(" ")).trim().to_string())
        })
        .collect();
    format!("{} ({})", env!("CARGO_PKG_VERSION"), editions.join("; "))
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            // The claim language's word and list separators, and the usual X12 (`*` `:`) and
            // HL7 (`|` `^`) delimiters, after which a component starts.
            trigger_characters: Some(
                [" ", ".", "-", ",", "*", ":", "|", "^"].map(String::from).to_vec(),
            ),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL_KIND),
                CodeActionKind::from(JOIN_LINES_KIND),
            ]),
            ..CodeActionOptions::default()
        })),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: to_proto::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..SemanticTokensOptions::default()
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("claimls".into()),
            inter_file_dependencies: false,
            workspace_diagnostics: false,
            ..DiagnosticOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = Encoding::negotiate(
            params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref()),
        );
        #[allow(deprecated)]
        let root_uri = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .map(|folder| folder.uri.clone())
            .or(params.root_uri.clone());
        let root = root_uri.as_ref().and_then(|uri| uri.to_file_path()).map(|p| p.into_owned());
        let client_can_pull =
            params.capabilities.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some());
        let client_can_refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let client_can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        if let Ok(mut session) = self.state.session.write() {
            session.encoding = encoding;
            session.root = root;
            session.root_uri = root_uri;
            session.client_can_pull = client_can_pull;
            session.client_can_refresh = client_can_refresh;
            session.client_can_watch = client_can_watch;
        }
        if let Some(options) = &params.initialization_options {
            self.set_editor_settings(claimls_section(options).unwrap_or(options));
        }
        let sets = CodeSets::bundled();
        // The word index takes a moment (more CPU than checking a 1 MB 837): build it off the
        // request path, after the first diagnostics (so as not to slow them down on a small
        // machine) or after a second without any.
        let state = self.state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(WARM_UP_AFTER).await;
            warm_up_word_index(&state);
        });
        tracing::info!(?encoding, client_can_pull, "initialize");
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "claimls".to_string(),
                version: Some(server_version(&sets)),
            }),
            offset_encoding: None,
        })
    }

    /// Asks a client that can watch files to report `claimls.toml` changes.
    async fn initialized(&self, _: InitializedParams) {
        if !self.state.session.read().is_ok_and(|session| session.client_can_watch) {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{CONFIG_FILE_NAME}")),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "claimls-watch-config".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        // Not awaited here: the client's answer must not hold a request slot.
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(error) = client.register_capability(vec![registration]).await {
                tracing::warn!(code = ?error.code, "the client refused to watch claimls.toml");
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        tracing::debug!(document = %log_id(&document.uri), version = document.version, "didOpen");
        self.state.open(document.uri.clone(), document.version, document.text);
        self.schedule_diagnostics(document.uri, document.version, Delay::None);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let count = params.content_changes.len();
        if !self.state.change(&uri, version, params.content_changes) {
            tracing::warn!(document = %log_id(&uri), "didChange for a document that is not open");
            return;
        }
        tracing::debug!(document = %log_id(&uri), version, changes = count, "didChange");
        self.schedule_diagnostics(uri, version, Delay::Debounce);
    }

    /// Saving a claim file changes nothing the server uses (it has the text already, and the
    /// configuration is not read again for it). A saved `claimls.toml` is a configuration
    /// change for a client that does not watch files for us; one that does reports it as a
    /// watched-file change, which is taken instead (so it is taken once).
    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let watches = self.state.session.read().is_ok_and(|session| session.client_can_watch);
        if !watches && is_config_file(params.text_document.uri.as_str()) {
            self.configuration_files_changed().await;
        }
    }

    /// A `claimls.toml` was created, changed or deleted: read the configuration again, show its
    /// problems (once for this change) and check the open documents with it.
    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let changed = params.changes.iter().filter(|change| is_config_file(change.uri.as_str()));
        if changed.count() > 0 {
            self.configuration_files_changed().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let pushed = self.state.close(&uri);
        tracing::debug!(document = %log_id(&uri), "didClose");
        if pushed {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match claimls_section(&params.settings) {
            Some(section) => self.set_editor_settings(section),
            None => self.state.invalidate_configs(true),
        }
        tracing::info!("didChangeConfiguration");
        self.recheck_all();
        self.refresh_pulled().await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        if !self.state.client_pulls.swap(true, Ordering::Relaxed) {
            // From now on the client pulls: clear what was pushed, so nothing shows twice.
            for (open, version) in self.state.open_documents() {
                if self.state.mark_pushed(&open, version, false) {
                    self.client.publish_diagnostics(open, Vec::new(), Some(version)).await;
                }
            }
        }
        let items = match self.snapshot_any_size(&uri) {
            Some(snapshot) => {
                let state = self.state.clone();
                let checking = state.clone();
                state
                    .checks
                    .run(move || diagnostics(&checking, &snapshot))
                    .await
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            },
        )))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let offset = index.offset(position.position);
        let mut sections = Vec::new();
        let mut range = None;
        // While the version's whole parse is being made (by its check, just after `didOpen`),
        // the unit under the cursor is parsed alone rather than waiting for the rest.
        let local = match snapshot.parsed_cell.get() {
            Some(_) => None,
            None => {
                let (text, language) = (snapshot.text.clone(), snapshot.language);
                let around = move || ParsedDocument::parse_around(text, language, offset);
                tokio::task::spawn_blocking(around).await.ok().flatten()
            }
        };
        let parsed = match &local {
            Some(local) => local,
            None => match snapshot.parsed().await {
                Some(parsed) => parsed,
                None => return Ok(None),
            },
        };
        if let Some(hover) = parsed.hover(&snapshot.sets, offset) {
            sections.push(hover.markdown);
            range = Some(index.range(hover.span));
        }
        // The rule behind each diagnostic under the cursor: from the diagnostics of this
        // version when they are known, else from the block under the cursor; from a unit
        // parsed alone, only the rules of its claims (the file-wide ones, `duplicate-id` and
        // the syntax's problems, come with the check a moment later, rather than the hover
        // waiting for the whole parse).
        let found: Vec<claimls_analysis::Diagnostic> = match (&snapshot.checked, &local) {
            (Some(all), _) => all.iter().filter(|d| d.span.touches(offset)).cloned().collect(),
            (None, Some(local)) => local.check_claims_at(&snapshot.sets, &snapshot.config, offset),
            (None, None) => parsed.check_at(&snapshot.sets, &snapshot.config, offset),
        };
        for diagnostic in &found {
            let mut section = format!("**{}** — {}", diagnostic.rule, diagnostic.message);
            if let Some(explanation) = analysis::rule_explanation(diagnostic.rule) {
                section.push_str("\n\n");
                section.push_str(explanation);
            }
            sections.push(section);
            range.get_or_insert(index.range(diagnostic.span));
        }
        if sections.is_empty() {
            return Ok(None);
        }
        Ok(Some(Hover {
            contents: HoverContents::Markup(to_proto::markdown(sections.join("\n\n---\n\n"))),
            range,
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let wants = |kind: &CodeActionKind| match &params.context.only {
            None => true,
            Some(only) => only.iter().any(|wanted| {
                kind.as_str() == wanted.as_str()
                    || kind.as_str().starts_with(&format!("{}.", wanted.as_str()))
            }),
        };
        let requested = snapshot.index().span(params.range);
        let rope = snapshot.rope.clone();
        let encoding = snapshot.encoding;
        let join_kind = CodeActionKind::from(JOIN_LINES_KIND);
        // A `source` action: editors list it in their source-action menu, not as a quick fix.
        let join = match wants(&join_kind) {
            true => snapshot.parsed().await.and_then(|parsed| parsed.x12_join_lines()),
            false => None,
        };
        let found = checked_async(&self.state, snapshot).await;
        let index = super::line_index::LineIndex::new(&rope, encoding);
        let mut actions = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            for diagnostic in found
                .iter()
                .filter(|d| d.span.start <= requested.end && requested.start <= d.span.end)
            {
                let lsp_diagnostic = to_proto::diagnostic(&index, &uri, diagnostic);
                for (i, fix) in diagnostic.fixes.iter().enumerate() {
                    actions.push(CodeActionOrCommand::CodeAction(to_proto::quick_fix(
                        &index,
                        &uri,
                        fix,
                        lsp_diagnostic.clone(),
                        i == 0,
                    )));
                }
            }
        }
        let fix_all_kind = CodeActionKind::from(FIX_ALL_KIND);
        if wants(&fix_all_kind) {
            let mut edits: Vec<claimls_analysis::TextEdit> = Vec::new();
            let mut fixed = Vec::new();
            for diagnostic in found.iter().filter(|d| d.rule == "code-format") {
                let Some(fix) = diagnostic.fixes.first() else { continue };
                let overlaps = fix.edits.iter().any(|edit| {
                    edits
                        .iter()
                        .any(|e| e.span.start < edit.span.end && edit.span.start < e.span.end)
                });
                if !overlaps {
                    edits.extend(fix.edits.iter().cloned());
                    fixed.push(to_proto::diagnostic(&index, &uri, diagnostic));
                }
            }
            if !edits.is_empty() {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: FIX_ALL_CODE_FORMAT.to_string(),
                    kind: Some(fix_all_kind),
                    diagnostics: Some(fixed),
                    edit: Some(to_proto::workspace_edit(&index, &uri, &edits)),
                    ..CodeAction::default()
                }));
            }
        }
        if let Some(edits) = join.filter(|edits| !edits.is_empty()) {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: JOIN_LINES.to_string(),
                kind: Some(join_kind),
                edit: Some(to_proto::workspace_edit(&index, &uri, &edits)),
                ..CodeAction::default()
            }));
        }
        Ok(Some(actions))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let offset = index.offset(position.position);
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let started = Instant::now();
        let list = parsed.completions(&snapshot.sets, offset);
        tracing::debug!(count = list.items.len(), elapsed = ?started.elapsed(), "completion");
        let items = list.items.iter().map(|item| to_proto::completion_item(&index, item)).collect();
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: list.is_incomplete,
            items,
        })))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        if !snapshot.config.inlay_code_titles {
            return Ok(Some(Vec::new()));
        }
        let index = snapshot.index();
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let hints = parsed.inlay_hints(&snapshot.sets, index.span(params.range));
        Ok(Some(
            hints
                .into_iter()
                .map(|hint| InlayHint {
                    position: index.position(hint.offset),
                    label: InlayHintLabel::String(hint.label),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect(),
        ))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let index = snapshot.index();
        let symbols = parsed
            .document_symbols()
            .iter()
            .map(|symbol| to_proto::document_symbol(&index, symbol))
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let index = snapshot.index();
        let fold = |span: claimls_analysis::Span, kind: Option<FoldingRangeKind>| {
            let range = index.range(span);
            (range.end.line > range.start.line).then(|| FoldingRange {
                start_line: range.start.line,
                end_line: range.end.line,
                kind,
                ..FoldingRange::default()
            })
        };
        let ranges = parsed
            .folding_ranges()
            .into_iter()
            .filter_map(|(span, comment)| fold(span, comment.then_some(FoldingRangeKind::Comment)))
            .collect();
        Ok(Some(ranges))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        Ok(parsed
            .definition(index.offset(position.position))
            .map(|span| GotoDefinitionResponse::Scalar(Location::new(uri, index.range(span)))))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let spans =
            parsed.references(index.offset(position.position), params.context.include_declaration);
        Ok(Some(
            spans.into_iter().map(|span| Location::new(uri.clone(), index.range(span))).collect(),
        ))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let position = params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let highlights = parsed
            .highlights(index.offset(position.position))
            .into_iter()
            .map(|(span, kind)| DocumentHighlight {
                range: index.range(span),
                kind: Some(match kind {
                    ide::HighlightKind::Read => DocumentHighlightKind::READ,
                    ide::HighlightKind::Write => DocumentHighlightKind::WRITE,
                }),
            })
            .collect();
        Ok(Some(highlights))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let offset = index.offset(params.position);
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        // Renamable: a letter that has a `dx` in its block.
        if parsed.definition(offset).is_none() {
            return Ok(None);
        }
        let under = parsed
            .highlights(offset)
            .into_iter()
            .map(|(span, _)| span)
            .find(|span| span.touches(offset));
        Ok(under.map(|span| PrepareRenameResponse::RangeWithPlaceholder {
            range: index.range(span),
            placeholder: span.slice(&snapshot.text).to_string(),
        }))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        match parsed.rename(index.offset(position.position), &params.new_name) {
            Ok(edits) => Ok(Some(to_proto::workspace_edit(&index, &uri, &edits))),
            Err(message) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        }
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let index = snapshot.index();
        let Some(parsed) = snapshot.parsed().await else { return Ok(None) };
        let edits = parsed.format();
        Ok(Some(edits.iter().map(|edit| to_proto::text_edit(&index, edit)).collect()))
    }

    /// Real symbols only: the claims and orders of the open documents (an 837's `CLM`s, an HL7
    /// file's orders too) whose id contains the
    /// query (any case), at most [`WORKSPACE_SYMBOL_LIMIT`]. Codes are looked up with the
    /// `claimls/searchCodes` request, not here: they have no place in the workspace.
    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let started = Instant::now();
        let query = params.query.trim().to_lowercase();
        let mut symbols = Vec::new();
        let mut open = self.state.open_documents();
        open.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        for (uri, _) in open {
            if symbols.len() >= WORKSPACE_SYMBOL_LIMIT {
                break;
            }
            let Some(snapshot) = self.snapshot(&uri) else { continue };
            let Some(parsed) = snapshot.parsed().await else { continue };
            let index = snapshot.index();
            for symbol in parsed.workspace_symbols() {
                if symbols.len() >= WORKSPACE_SYMBOL_LIMIT {
                    break;
                }
                if !query.is_empty() && !symbol.name.to_lowercase().contains(&query) {
                    continue;
                }
                let symbol = to_proto::document_symbol(&index, &symbol);
                #[allow(deprecated)]
                symbols.push(SymbolInformation {
                    name: symbol.name,
                    kind: symbol.kind,
                    tags: None,
                    deprecated: None,
                    location: Location::new(uri.clone(), symbol.selection_range),
                    container_name: None,
                });
            }
        }
        tracing::debug!(count = symbols.len(), elapsed = ?started.elapsed(), "workspace/symbol");
        Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(snapshot) = self.snapshot(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some(parsed) = snapshot.parsed_with_tokens().await else { return Ok(None) };
        let data =
            to_proto::semantic_tokens(&snapshot.index(), parsed.text(), parsed.semantic_tokens());
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data })))
    }
}
