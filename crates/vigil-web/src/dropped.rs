//! Turning a drop into `(path, File)` pairs: plain files as they are, folders walked recursively
//! through the File and Directory Entries API, so a whole `AWSLogs/…` tree can be dropped.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

/// A dropped file and its path inside the dropped folder (or its name).
#[derive(Clone, Debug)]
pub struct DroppedFile {
    pub path: String,
    pub file: File,
}

/// Collects the entries of a drop. Must be called while the drop event is being handled (the
/// browser empties `DataTransfer` afterwards); the walk itself continues asynchronously.
pub fn entries_of(transfer: &DataTransfer) -> (Vec<FileSystemEntry>, Vec<File>) {
    let mut entries = Vec::new();
    let mut loose = Vec::new();
    let items = transfer.items();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => entries.push(entry),
            _ => {
                if let Ok(Some(f)) = item.get_as_file() {
                    loose.push(f);
                }
            }
        }
    }
    if entries.is_empty() && loose.is_empty() {
        if let Some(files) = transfer.files() {
            loose.extend((0..files.length()).filter_map(|i| files.get(i)));
        }
    }
    (entries, loose)
}

/// Walks entries depth-first; files come back sorted by path so runs are reproducible.
pub async fn walk(entries: Vec<FileSystemEntry>, loose: Vec<File>) -> Vec<DroppedFile> {
    let mut out: Vec<DroppedFile> =
        loose.into_iter().map(|f| DroppedFile { path: f.name(), file: f }).collect();
    let mut stack = entries;
    while let Some(entry) = stack.pop() {
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            stack.extend(read_all_entries(&dir).await);
        } else if entry.is_file() {
            let path = entry.full_path().trim_start_matches('/').to_string();
            let file_entry: FileSystemFileEntry = entry.unchecked_into();
            if let Some(file) = file_of(&file_entry).await {
                out.push(DroppedFile { path, file });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `readEntries` returns at most ~100 entries a call: call until it returns none.
async fn read_all_entries(dir: &FileSystemDirectoryEntry) -> Vec<FileSystemEntry> {
    let reader = dir.create_reader();
    let mut all = Vec::new();
    loop {
        let promise = Promise::new(&mut |resolve: Function, reject: Function| {
            let ok = Closure::once_into_js(move |entries: JsValue| {
                let _ = resolve.call1(&JsValue::NULL, &entries);
            });
            let err = Closure::once_into_js(move |e: JsValue| {
                let _ = reject.call1(&JsValue::NULL, &e);
            });
            let _ = reader.read_entries_with_callback_and_callback(ok.unchecked_ref(), err.unchecked_ref());
        });
        let Ok(batch) = JsFuture::from(promise).await else { break };
        let batch: Array = batch.unchecked_into();
        if batch.length() == 0 {
            break;
        }
        all.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
    }
    all
}

async fn file_of(entry: &FileSystemFileEntry) -> Option<File> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok = Closure::once_into_js(move |f: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &f);
        });
        let err = Closure::once_into_js(move |e: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        entry.file_with_callback_and_callback(ok.unchecked_ref(), err.unchecked_ref());
    });
    JsFuture::from(promise).await.ok().map(|f| f.unchecked_into())
}
