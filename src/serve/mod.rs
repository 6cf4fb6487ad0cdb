//! `linli serve`: the plan editor in the browser. An axum server holds one
//! [`Editor`] behind a lock and speaks JSON; the page (Leaflet, shipped in
//! `assets/` with its licence: nothing is fetched from elsewhere) draws
//! the blocks, roads and water from the scenario.
//!
//! Every edit carries the version of the state it was made on; a stale one
//! gets 409 and the page reloads the state, so two tabs cannot lose an
//! edit. Bodies are size-limited and parsed into typed edits (a malformed
//! one gets a 4xx with the parser's message). Off loopback every request
//! for data must carry the session's token.

pub mod geometry;

use crate::edit::log::{Entry, entry, jsonl};
use crate::edit::{Change, Edit, Editor, figures};
use crate::error::Error;
use crate::read::{ReadOptions, ScenarioFiles};
use axum::extract::{DefaultBodyLimit, Json, Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Largest request body, bytes (an edit is a few hundred).
pub const MAX_BODY: usize = 64 * 1024;

/// A session: the editor, its log, and where it saves.
pub struct Session {
    /// The plan being edited.
    pub editor: Editor,
    /// Every edit so far (and those replayed from a saved log).
    pub log: Vec<Entry>,
    /// The scenario's files (for the saved plan's manifest).
    pub files: ScenarioFiles,
    /// How the scenario was read.
    pub opts: ReadOptions,
    /// Where Save writes.
    pub out: PathBuf,
    /// The neighborhoods' shapes as the page last got them (lon/lat
    /// GeoJSON features per slot, rebuilt for touched communities).
    outlines: Vec<Value>,
    /// The neighborhoods' shapes as loaded (lon/lat GeoJSON features).
    loaded: Vec<Value>,
}

impl Session {
    /// A session on `editor`, replaying `replay` (a saved `edits.jsonl`).
    ///
    /// ```
    /// let ed = linli::edit::open(&linli::demo::files(), &Default::default(), 1, linli::edit::Start::Plan).unwrap();
    /// let s = linli::serve::Session::new(ed, linli::demo::files(), Default::default(), "out".into(), vec![]).unwrap();
    /// assert_eq!(s.editor.version, 0);
    /// ```
    pub fn new(
        editor: Editor,
        files: ScenarioFiles,
        opts: ReadOptions,
        out: PathBuf,
        replay: Vec<Entry>,
    ) -> Result<Self, String> {
        let mut s = Session {
            editor,
            log: Vec::new(),
            files,
            opts,
            out,
            outlines: Vec::new(),
            loaded: Vec::new(),
        };
        for (i, e) in replay.into_iter().enumerate() {
            s.apply_at(&e.edit, e.time.clone())
                .map_err(|r| format!("edits.jsonl line {}: {r}", i + 1))?;
        }
        let all: BTreeSet<usize> = (0..s.editor.loaded.scenario.communities.len()).collect();
        s.outlines = geometry::outlines(&s.editor, &all, Vec::new());
        s.loaded = geometry::loaded_outlines(&s.editor);
        Ok(s)
    }

    /// Applies one edit and logs it, made now.
    pub fn apply(&mut self, edit: &Edit) -> Result<Change, crate::edit::Refusal> {
        self.apply_at(edit, crate::edit::log::rfc3339(now()))
    }

    /// Applies one edit and logs it with `time`.
    pub fn apply_at(&mut self, edit: &Edit, time: String) -> Result<Change, crate::edit::Refusal> {
        let change = self.editor.apply(edit)?;
        let mut e = entry(&self.editor, edit, &change, 0);
        e.time = time;
        self.log.push(e);
        Ok(change)
    }

    /// Communities an edit touched.
    fn touched(&self, change: &Change) -> BTreeSet<usize> {
        let slots = &self.editor.slots;
        change
            .moves
            .iter()
            .flat_map(|&(_, f, t)| [f, t])
            .chain(change.locks.iter().map(|l| l.0))
            .map(|k| slots[k].community)
            .collect()
    }

    /// Saves the plan as edited (every output of `linli plan`, and
    /// `edits.jsonl`) into `out`, in one step.
    pub fn save(&self) -> Result<Vec<PathBuf>, Error> {
        let ed = &self.editor;
        let log = jsonl(&self.log);
        crate::plan::write_edited(
            &ed.loaded,
            &self.files,
            &self.opts,
            ed.seed,
            (ed.polygonized.clone(), ed.edited()),
            &[("edits.jsonl", log.as_bytes())],
            &self.out,
        )
    }
}

type Shared = Arc<Mutex<Session>>;

/// The seconds since 1970, for the log.
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The server's routes on `session`; `token` (when given) is required on
/// every request for data (`/api/…`), as the `x-linli-token` header or a
/// `token` query.
pub fn router(session: Session, token: Option<String>) -> Router {
    let shared: Shared = Arc::new(Mutex::new(session));
    let token = Arc::new(token);
    Router::new()
        .route("/", get(page))
        .route("/assets/{name}", get(asset))
        .route("/api/state", get(state))
        .route("/api/edit", post(edit))
        .route("/api/save", post(save))
        .with_state(shared)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(move |q, req, next| {
            check_token(token.clone(), q, req, next)
        }))
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn check_token(
    token: Arc<Option<String>>,
    Query(q): Query<TokenQuery>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    // The page and its scripts hold no data (the browser fetches them
    // without the token); everything under /api/ needs it.
    let data = req.uri().path().starts_with("/api/");
    if let (true, Some(t)) = (data, token.as_ref()) {
        let given = req
            .headers()
            .get("x-linli-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or(q.token);
        if given.as_deref() != Some(t.as_str()) {
            return (
                StatusCode::UNAUTHORIZED,
                "a token is required: open the URL linli serve printed",
            )
                .into_response();
        }
    }
    next.run(req).await
}

async fn page() -> Response {
    let html = include_str!("assets/editor.html");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn asset(UrlPath(name): UrlPath<String>) -> Response {
    let (body, kind): (&str, &str) = match name.as_str() {
        "leaflet.js" => (include_str!("assets/leaflet.js"), "text/javascript"),
        "leaflet.css" => (include_str!("assets/leaflet.css"), "text/css"),
        "editor.js" => (include_str!("assets/editor.js"), "text/javascript"),
        "LICENSE-leaflet.txt" => (include_str!("assets/LICENSE-leaflet.txt"), "text/plain"),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Session> {
    // A panic while holding the lock cannot leave a half-made edit: an
    // edit changes the state only after every check has passed.
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

async fn state(State(shared): State<Shared>) -> Response {
    let s = lock(&shared);
    let body = geometry::state(&s.editor, &s.outlines, &s.loaded);
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// An edit as the page sends it.
#[derive(Deserialize)]
struct EditRequest {
    version: u64,
    edit: Edit,
}

async fn edit(State(shared): State<Shared>, Json(req): Json<EditRequest>) -> Response {
    let mut s = lock(&shared);
    if req.version != s.editor.version {
        let body = json!({"error": "the plan changed in another window: reloading", "version": s.editor.version});
        return (StatusCode::CONFLICT, axum::Json(body)).into_response();
    }
    let change = match s.apply(&req.edit) {
        Ok(c) => c,
        Err(r) => {
            let body = json!({"error": r.0, "version": s.editor.version});
            return (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response();
        }
    };
    let touched = s.touched(&change);
    let previous = std::mem::take(&mut s.outlines);
    s.outlines = geometry::outlines(&s.editor, &touched, previous);
    let ed = &s.editor;
    let (undo, redo) = ed.history();
    let body = json!({
        "version": ed.version,
        "undo": undo,
        "redo": redo,
        "owners": change.moves.iter().map(|&(b, _, t)| [b, t]).collect::<Vec<_>>(),
        "slots": geometry::slots(ed),
        "figures": touched.iter().map(|&c| figures::community(ed, c)).collect::<Vec<_>>(),
        "outlines": touched.iter().flat_map(|&c| geometry::community_outlines(ed, &s.outlines, c)).collect::<Vec<_>>(),
    });
    axum::Json(body).into_response()
}

#[derive(Deserialize)]
struct SaveRequest {
    version: u64,
}

async fn save(State(shared): State<Shared>, Json(req): Json<SaveRequest>) -> Response {
    let s = lock(&shared);
    if req.version != s.editor.version {
        let body = json!({"error": "the plan changed in another window: reloading", "version": s.editor.version});
        return (StatusCode::CONFLICT, axum::Json(body)).into_response();
    }
    match s.save() {
        Ok(written) => axum::Json(json!({
            "version": s.editor.version,
            "dir": s.out.display().to_string(),
            "written": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => {
            let body = json!({"error": e.to_string(), "version": s.editor.version});
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
        }
    }
}

/// Serves `router` on `bind` until Ctrl-C; `ready` hears the address bound
/// (port 0 picks a free one).
pub fn run(
    router: Router,
    bind: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        ready(listener.local_addr()?);
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}
