//! The one place the binary (server and CLI) calls the analysis: every
//! `claimls_analysis::ide::*` feature, every `check*`, the rule catalogue's explanations and the
//! code search; and [`ParsedDocument`], one version of an open document parsed once. When the analysis's signatures change (the format-neutral
//! `claimls_model::Document`), this module is what changes with them.
//!
//! The claim tree borrows the text (`SourceFile<'a>`), and the server keeps both, for as long
//! as the version is current, in one value: the text is an `Arc<str>` owned by a
//! `self_cell` (the tree is built from it once and borrows it; the crate proves the borrow
//! sound, without `unsafe` code of ours). Every request on a version uses that one tree.
//! Parsing a large document takes a while, so it is never done on a runtime thread: the
//! version's check parses it (on the server's check thread) and its diagnostics come from the
//! kept tree and model ([`ParsedDocument::diagnostics`], checking again only the claims an edit
//! changed); a request that comes first parses on tokio's blocking pool
//! ([`crate::lsp::state::Snapshot::parsed`]).
//!
//! The kept tree has no semantic tokens: they are a third of a tree's memory and only
//! highlighting needs them. The first `semanticTokens` request of a version makes them (for
//! the claim language one more pass that keeps only the tokens; for X12 and HL7 a walk over
//! the kept tree) and they are kept with the tree from then on.
//!
//! Each feature goes to its syntax: the claim language's `ide::*`, or `ide::x12::*` and
//! `ide::hl7::*` over the kept X12 or HL7 tree (hover on structure, completion, outline,
//! folding, tokens, formatting); hover on codes, inlay hints and navigation run on the model.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use claimls_analysis::codes::{CodeSets, SearchHit};
use claimls_analysis::model::{self, Naming};
use claimls_analysis::syntax::{self, SourceFile};
use claimls_analysis::{
    self as analysis, Config, Diagnostic, Language, Span, TextEdit, ide, incremental,
};

self_cell::self_cell!(
    /// The text and the tree parsed from it.
    struct TextAndTree {
        owner: Arc<str>,
        #[covariant]
        dependent: SourceFile,
    }
);

/// One document version, made once: its text, its syntax tree (the claim language's blocks and
/// syntax errors, the X12 file's segments or the HL7 file's messages: what completion, symbols,
/// folding, formatting and hover on a segment or field work on), for X12 and HL7 the
/// format-neutral claim model it lowers into (what hover on a code, inlay hints and navigation
/// work on), and its semantic tokens once asked for. A claim-language document keeps no whole
/// model: each request lowers the blocks it is about (`syntax::lower_around`), which costs
/// little, while a model of a 100,000-line document would take some 45 MB beside its tree.
pub struct ParsedDocument {
    parsed: TextAndTree,
    language: Language,
    model: model::Document,
    naming: &'static dyn Naming,
    /// The X12 or HL7 tree (the claim language's is in `parsed`, as it borrows the text).
    tree: Tree,
    /// For an X12 document, what its lowering keeps to lower the next version again
    /// transaction by transaction ([`ParsedDocument::parse_after`]).
    x12_bodies: claimls_analysis::x12::Bodies,
    /// Where the patient data is, for an X12 or HL7 document (its crate decides from the tree,
    /// at parse time, off the runtime's threads).
    phi: Vec<Span>,
    tokens: OnceLock<Vec<syntax::SemanticToken>>,
}

/// The tree of an X12 or HL7 document (neither borrows the text, so they need no `self_cell`).
enum Tree {
    Claim,
    X12(claimls_analysis::x12::X12File),
    Hl7(claimls_analysis::hl7::Hl7File),
}

impl std::fmt::Debug for ParsedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the text: it holds patient data.
        f.debug_struct("ParsedDocument").field("bytes", &self.text().len()).finish()
    }
}

impl ParsedDocument {
    /// Parses `text` (without the semantic tokens: see the module documentation) and lowers it
    /// into the model.
    pub fn parse(text: Arc<str>, language: Language) -> ParsedDocument {
        ParsedDocument::parse_after(text, language, None)
    }

    /// [`ParsedDocument::parse`], for an X12 document reusing what lowering an earlier
    /// version (`previous`) found for each transaction an edit left alone: the same result,
    /// without walking and lowering a whole 837 again for every keystroke.
    pub fn parse_after(
        text: Arc<str>,
        language: Language,
        previous: Option<&ParsedDocument>,
    ) -> ParsedDocument {
        let naming = language.naming(&text);
        let mut phi = Vec::new();
        let mut x12_bodies = claimls_analysis::x12::Bodies::default();
        let (model, tree) = match language {
            Language::Claim => (model::Document::default(), Tree::Claim),
            Language::X12 => {
                let previous = previous.filter(|p| p.language == Language::X12);
                let file = match previous.and_then(ParsedDocument::x12_tree) {
                    Some(like) => claimls_analysis::x12::parse_like(&text, like),
                    None => claimls_analysis::x12::parse(&text),
                };
                let edit = previous.and_then(|p| model::Edit::between(p.text(), &text));
                let previous_phi = previous.zip(edit).and_then(|(p, edit)| {
                    Some(claimls_analysis::x12::PreviousPhi {
                        file: p.x12_tree()?,
                        spans: &p.phi,
                        edit,
                    })
                });
                phi = claimls_analysis::x12::phi_spans_reusing(&text, &file, previous_phi);
                let previous = previous.map(|p| claimls_analysis::x12::Previous {
                    document: &p.model,
                    bodies: &p.x12_bodies,
                    edit,
                });
                let (model, bodies) = claimls_analysis::x12::lower_reusing(&text, &file, previous);
                x12_bodies = bodies;
                (model, Tree::X12(file))
            }
            Language::Hl7 => {
                let file = claimls_analysis::hl7::parse(&text);
                phi = claimls_analysis::hl7::phi_spans(&file);
                (claimls_analysis::hl7::lower(&text, &file), Tree::Hl7(file))
            }
        };
        let parsed = TextAndTree::new(text, |text| {
            if language != Language::Claim {
                return SourceFile::default();
            }
            let mut tree = syntax::parse_without_tokens(text);
            // The tree is kept as long as the version is current: without the slack its
            // vectors grew with (a block's statements are a few hundred bytes each, and
            // up to half of a grown vector is unused), the kept tree takes a few MB less.
            tree.blocks.shrink_to_fit();
            tree.errors.shrink_to_fit();
            for block in &mut tree.blocks {
                block.statements.shrink_to_fit();
            }
            tree
        });
        ParsedDocument {
            parsed,
            language,
            model,
            naming,
            tree,
            x12_bodies,
            phi,
            tokens: OnceLock::new(),
        }
    }

    /// Only the unit of `text` around `offset` parsed (and lowered): the claim-language block,
    /// the 837 transaction (with its interchange's ISA and its group's GS) or the HL7 message
    /// there, for a hover that comes while the whole version is still being parsed. Its
    /// [`ParsedDocument::hover`] at `offset` is the whole document's, and
    /// [`ParsedDocument::check_claims_at`] there the whole check's but the file-wide rules.
    /// `None` when the unit cannot be told apart from the rest without the whole parse (an 837
    /// whose interchanges change the delimiters, an HL7 line before any MSH): wait for the
    /// whole parse then. Never keep it as the version's parse.
    pub fn parse_around(text: Arc<str>, language: Language, offset: usize) -> Option<Self> {
        let naming = language.naming(&text);
        let offset = ide::clamp(&text, offset);
        let (model, tree) = match language {
            Language::Claim => (model::Document::default(), Tree::Claim),
            Language::X12 => {
                use claimls_analysis::x12;
                let file = x12::parse_transaction_at(&text, offset)?;
                // Only the claims at `offset` are lowered (a transaction holds hundreds).
                let claims = x12::walk(&text, &file)
                    .claims
                    .iter()
                    .filter(|claim| x12::claim_outline(&text, &file, claim).span.touches(offset))
                    .map(|claim| x12::lower_claim(&text, &file, claim))
                    .collect();
                (model::Document { claims, problems: Vec::new() }, Tree::X12(file))
            }
            Language::Hl7 => {
                let file = claimls_analysis::hl7::parse_message_at(&text, offset)?;
                (claimls_analysis::hl7::lower(&text, &file), Tree::Hl7(file))
            }
        };
        let parsed = TextAndTree::new(text, |text| match language {
            Language::Claim => syntax::parse_block_at(text, offset),
            Language::X12 | Language::Hl7 => SourceFile::default(),
        });
        let (phi, tokens) = (Vec::new(), OnceLock::new());
        let x12_bodies = claimls_analysis::x12::Bodies::default();
        Some(ParsedDocument { parsed, language, model, naming, tree, x12_bodies, phi, tokens })
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The model of what touches `range`: for the claim language the blocks there (and the
    /// ids of the others), lowered now; for X12 and HL7 the whole kept model.
    fn model_around(&self, range: Span) -> std::borrow::Cow<'_, model::Document> {
        match self.language {
            Language::Claim => {
                std::borrow::Cow::Owned(syntax::lower_around(self.text(), self.tree(), range))
            }
            Language::X12 | Language::Hl7 => std::borrow::Cow::Borrowed(&self.model),
        }
    }

    fn model_at(&self, offset: usize) -> std::borrow::Cow<'_, model::Document> {
        self.model_around(Span::new(offset, offset))
    }

    pub fn text(&self) -> &str {
        self.parsed.borrow_owner()
    }

    /// The claim language's tree (empty for X12 and HL7).
    pub fn tree(&self) -> &SourceFile<'_> {
        self.parsed.borrow_dependent()
    }

    /// The X12 file's segments, for an X12 document.
    pub fn x12_tree(&self) -> Option<&claimls_analysis::x12::X12File> {
        match &self.tree {
            Tree::X12(file) => Some(file),
            _ => None,
        }
    }

    /// The HL7 file's messages and segments, for an HL7 document.
    pub fn hl7_tree(&self) -> Option<&claimls_analysis::hl7::Hl7File> {
        match &self.tree {
            Tree::Hl7(file) => Some(file),
            _ => None,
        }
    }

    /// The hover at `offset` (a code's title, notes, …; for X12 and HL7 also what the segment,
    /// element or field is), without the diagnostics.
    pub fn hover(&self, sets: &CodeSets, offset: usize) -> Option<ide::Hover> {
        let (text, naming) = (self.text(), self.naming);
        match &self.tree {
            Tree::Claim => ide::hover(text, &self.model_at(offset), naming, sets, offset),
            Tree::X12(file) => ide::x12::hover(text, file, &self.model, naming, sets, offset),
            Tree::Hl7(file) => ide::hl7::hover(text, file, &self.model, naming, sets, offset),
        }
    }

    /// Every diagnostic of this version, what [`check`] finds: only the claims an edit changed
    /// since `previous` are checked again (`claimls_analysis::incremental`); `key` names the
    /// configuration. Call it off the runtime's threads.
    pub fn diagnostics(
        &self,
        sets: &CodeSets,
        config: &Config,
        key: u64,
        previous: Option<&incremental::Checked>,
    ) -> (Vec<Diagnostic>, incremental::Checked, incremental::Reuse) {
        let text = self.parsed.borrow_owner();
        // The claim language keeps no model: its blocks are lowered one at a time.
        let (problems, claims): (Cow<'_, [Diagnostic]>, Box<dyn Iterator<Item = _>>) =
            match &self.tree {
                Tree::Claim => (
                    Cow::Owned(syntax::lower_outline(self.tree()).problems),
                    Box::new(syntax::lower_each(text, self.tree()).map(Cow::Owned)),
                ),
                Tree::X12(_) | Tree::Hl7(_) => (
                    Cow::Borrowed(&self.model.problems[..]),
                    Box::new(self.model.claims.iter().map(Cow::Borrowed)),
                ),
            };
        incremental::check(text, self.language, &problems, claims, sets, config, key, previous)
    }

    /// The diagnostics whose span touches `offset`, from checking only the block there.
    pub fn check_at(&self, sets: &CodeSets, config: &Config, offset: usize) -> Vec<Diagnostic> {
        let model = self.model_at(offset);
        analysis::check_document_at(self.text(), &model, self.naming, sets, config, offset, true)
    }

    /// The diagnostics whose span touches `offset` that the rules of one claim find (not the
    /// file-wide ones: the syntax's problems, `duplicate-id`): what a document made by
    /// [`ParsedDocument::parse_around`] can tell exactly.
    pub fn check_claims_at(
        &self,
        sets: &CodeSets,
        config: &Config,
        offset: usize,
    ) -> Vec<Diagnostic> {
        let model = self.model_at(offset);
        analysis::check_document_at(self.text(), &model, self.naming, sets, config, offset, false)
    }

    pub fn completions(&self, sets: &CodeSets, offset: usize) -> ide::CompletionList {
        match &self.tree {
            Tree::Claim => ide::completions(self.text(), self.tree(), sets, offset),
            Tree::X12(file) => ide::x12::completions(self.text(), file, self.naming, sets, offset),
            Tree::Hl7(file) => ide::hl7::completions(self.text(), file, sets, offset),
        }
    }

    /// Code titles; in an 837 also the codes each SV107 points to (its numbers do not say).
    pub fn inlay_hints(&self, sets: &CodeSets, range: Span) -> Vec<ide::InlayHint> {
        let model = self.model_around(range);
        let mut hints = ide::inlay_hints(self.text(), &model, sets, range);
        if self.language == Language::X12 {
            hints.extend(ide::pointer_hints(self.text(), &model, sets, range));
            hints.sort_by_key(|hint| hint.offset);
        }
        hints
    }

    /// The outline: claim-language blocks; X12 envelopes and loops down to the service lines;
    /// HL7 messages, orders, tests and diagnoses.
    pub fn document_symbols(&self) -> Vec<ide::Symbol> {
        match &self.tree {
            Tree::Claim => ide::document_symbols(self.tree()),
            Tree::X12(file) => ide::x12::document_symbols(self.text(), file),
            Tree::Hl7(file) => ide::hl7::document_symbols(self.text(), file),
        }
    }

    /// What `workspace/symbol` lists: the claims and orders, wherever the outline has them.
    pub fn workspace_symbols(&self) -> Vec<ide::Symbol> {
        ide::claims_and_orders(self.document_symbols())
    }

    /// Block (or loop, or message) folds, then comment folds (each with whether it is a
    /// comment).
    pub fn folding_ranges(&self) -> Vec<(Span, bool)> {
        let (blocks, comments) = match &self.tree {
            Tree::Claim => {
                (ide::folding_ranges(self.tree()), ide::comment_folding_ranges(self.text()))
            }
            Tree::X12(file) => (ide::x12::folding_ranges(self.text(), file), Vec::new()),
            Tree::Hl7(file) => (ide::hl7::folding_ranges(file), Vec::new()),
        };
        let blocks = blocks.into_iter().map(|span| (span, false));
        blocks.chain(comments.into_iter().map(|span| (span, true))).collect()
    }

    pub fn definition(&self, offset: usize) -> Option<Span> {
        ide::definition(&self.model_at(offset), offset)
    }

    pub fn references(&self, offset: usize, include_declaration: bool) -> Vec<Span> {
        ide::references(&self.model_at(offset), offset, include_declaration)
    }

    pub fn highlights(&self, offset: usize) -> Vec<(Span, ide::HighlightKind)> {
        ide::highlights(&self.model_at(offset), offset)
    }

    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<TextEdit>, String> {
        ide::rename(self.text(), &self.model_at(offset), self.naming, offset, new_name)
    }

    /// The formatting edits: the claim language aligned, an 837 one segment a line; an HL7
    /// message is left as it is.
    pub fn format(&self) -> Vec<TextEdit> {
        match &self.tree {
            Tree::Claim => ide::format(self.text(), self.tree()),
            Tree::X12(file) => ide::x12::format(self.text(), file, ide::x12::Layout::Lines),
            Tree::Hl7(_) => Vec::new(),
        }
    }

    /// For an 837, the edits that put every segment on one line (`None` for other documents).
    pub fn x12_join_lines(&self) -> Option<Vec<TextEdit>> {
        let file = self.x12_tree()?;
        Some(ide::x12::format(self.text(), file, ide::x12::Layout::OneLine))
    }

    /// Where the patient data is (names, dates of birth, member ids, names in comments).
    /// Claim-language comments are found through the semantic tokens: call it off the
    /// runtime's threads (X12 and HL7 answer what their parse found).
    pub fn phi_spans(&self) -> Vec<Span> {
        match self.language {
            Language::Claim => syntax::phi_spans(self.text(), self.tree(), self.semantic_tokens()),
            Language::X12 | Language::Hl7 => self.phi.clone(),
        }
    }

    /// The semantic tokens, made on the first call (a pass over the whole text: call it off
    /// the runtime's threads).
    pub fn semantic_tokens(&self) -> &[syntax::SemanticToken] {
        self.tokens.get_or_init(|| match &self.tree {
            Tree::Claim => syntax::parse(self.text()).tokens,
            Tree::X12(file) => ide::x12::semantic_tokens(self.text(), file),
            Tree::Hl7(file) => ide::hl7::semantic_tokens(self.text(), file),
        })
    }

    /// Whether [`ParsedDocument::semantic_tokens`] has made them already.
    pub fn has_semantic_tokens(&self) -> bool {
        self.tokens.get().is_some()
    }
}

/// Every diagnostic of `text` in `language`: checked in pieces, a large text on several threads
/// (faster than one pass over the kept tree). Call it off the runtime's threads.
pub fn check(text: &str, language: Language, sets: &CodeSets, config: &Config) -> Vec<Diagnostic> {
    analysis::check_text(text, language, sets, config)
}

/// [`check`] handed over a piece at a time, in order, while the rest is checked (`claimls
/// check` prints each piece as it comes).
pub fn check_text_each_piece(
    text: &str,
    language: Language,
    sets: &CodeSets,
    config: &Config,
    each: impl FnMut(Vec<Diagnostic>),
) {
    analysis::check_text_each_piece(text, language, sets, config, each)
}

/// The whole text lowered into the model (what [`check_lowered_each_piece`] checks).
pub fn lower(text: &str, language: Language) -> model::Document {
    language.lower(text)
}

/// [`check_text_each_piece`] for a text lowered already (by [`lower`]), for a caller that
/// reads the claims too (the Python package names each diagnostic's 837 claim).
pub fn check_lowered_each_piece(
    text: &str,
    language: Language,
    document: model::Document,
    sets: &CodeSets,
    config: &Config,
    each: impl FnMut(Vec<Diagnostic>),
) {
    analysis::check_lowered_each_piece(text, language, document, sets, config, each)
}

/// The one diagnostic of a document over the editor's size limit.
pub fn too_large(text: &str, config: &Config) -> Vec<Diagnostic> {
    analysis::too_large(text, config)
}

/// What a rule means, why payers reject it and how to fix it (the catalogue's explanation).
pub fn rule_explanation(rule: &str) -> Option<&'static str> {
    analysis::rules::rule(rule).map(|rule| rule.explanation)
}

/// Codes matching `query` as `claimls lookup` finds them (the code itself in every system,
/// then by code prefix or words of the title), at most `limit`.
pub fn search_codes(sets: &CodeSets, query: &str, limit: usize) -> Vec<SearchHit> {
    crate::cli::find_codes(sets, query, limit).0
}
