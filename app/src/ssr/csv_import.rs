//! Reading the core system's CSV exports (S7): members, statements,
//! payments and 割戻金, and what every import shares (modes, outcome,
//! progress kept for the back office, imports cut off midway). UTF-8 with or without BOM, or Shift_JIS as Windows
//! writes it (CP932; encoding_rs's `Shift_JIS` is the WHATWG one, which is
//! CP932). Records stream one at a time, so memory does not grow with the
//! file. Problems are reported per row and column, and can be downloaded as
//! a CSV that opens in Excel (UTF-8 with BOM).

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, Utc};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use crate::error::AppError;
use crate::ssr::audit::Actor;
use crate::ssr::entities::member_import;

/// How far into a file the encoding is judged.
const SNIFF_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    ShiftJis,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::ShiftJis => "Shift_JIS (CP932)",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::ShiftJis => SHIFT_JIS,
        }
    }
}

/// UTF-8 when the start of the file is valid UTF-8 (a character cut at the
/// end of the sample is fine) or has a UTF-8 BOM; otherwise CP932.
pub fn detect(prefix: &[u8]) -> TextEncoding {
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => TextEncoding::Utf8,
        Err(e) if e.error_len().is_none() => TextEncoding::Utf8,
        Err(_) => TextEncoding::ShiftJis,
    }
}

/// A file-level refusal, worded for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

/// One row's problem (or warning) in one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The line of the file the record starts on (the heading is line 1).
    pub row: u64,
    pub column: String,
    pub message: String,
    /// A warning: the row was taken.
    pub warning: bool,
}

/// Reads `inner` with each CR LF, and each CR alone, made LF. The csv
/// reader numbers the records of a CR LF file (what Windows and Excel write)
/// one line short, and counts no line for a CR alone; with LF only it counts
/// as a person does. Line breaks inside quoted cells become LF too. The text
/// always ends with an LF, so every record ends with one.
struct LfOnly<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// A CR read last, not yet known to be followed by LF.
    held_cr: bool,
    /// The last byte given out, to end the text with an LF.
    last: u8,
}

impl<R: Read> LfOnly<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; 8192].into_boxed_slice(),
            pos: 0,
            len: 0,
            held_cr: false,
            last: b'\n',
        }
    }
}

impl<R: Read> Read for LfOnly<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut w = 0;
        while w < out.len() {
            if self.pos == self.len {
                if w > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf)?;
                self.pos = 0;
                if self.len == 0 {
                    if std::mem::take(&mut self.held_cr) {
                        out[0] = b'\n';
                        self.last = b'\n';
                        return Ok(1);
                    }
                    if self.last != b'\n' {
                        out[0] = b'\n';
                        self.last = b'\n';
                        return Ok(1);
                    }
                    return Ok(0);
                }
            }
            let b = self.buf[self.pos];
            self.pos += 1;
            if std::mem::take(&mut self.held_cr) && b != b'\n' {
                // A CR alone ends a line too (old Mac files): as an LF, so
                // lines count the same.
                out[w] = b'\n';
                w += 1;
                if w == out.len() {
                    // `b` is read again next time.
                    self.pos -= 1;
                    break;
                }
            }
            if b == b'\r' {
                self.held_cr = true;
            } else {
                out[w] = b;
                w += 1;
            }
        }
        if w > 0 {
            self.last = out[w - 1];
        }
        Ok(w)
    }
}

/// The records of a CSV file with a heading line.
pub struct Records<R: Read> {
    csv: csv::Reader<LfOnly<DecodeReaderBytes<BufReader<R>, Vec<u8>>>>,
    pub encoding: TextEncoding,
    pub headings: Vec<String>,
    record: csv::StringRecord,
}

impl<R: Read> Records<R> {
    /// Opens `input`, judging its encoding from its start and reading the
    /// heading line.
    pub fn open(input: R) -> Result<Self, FileError> {
        let mut buffered = BufReader::with_capacity(SNIFF_BYTES, input);
        let prefix = buffered
            .fill_buf()
            .map_err(|e| FileError(format!("ファイルを読み込めません({e})。")))?;
        if prefix.is_empty() {
            return Err(FileError("ファイルが空です。".into()));
        }
        let encoding = detect(prefix);
        let decoded = DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding.encoding()))
            .bom_override(true)
            .strip_bom(true)
            .build(buffered);
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(LfOnly::new(decoded));
        let headings = csv
            .headers()
            .map_err(|e| FileError(format!("見出し行を読み込めません({e})。")))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        Ok(Self {
            csv,
            encoding,
            headings,
            record: csv::StringRecord::new(),
        })
    }

    /// Where each of `wanted` is among the headings; a required one missing
    /// refuses the file, naming it.
    pub fn columns(&self, wanted: &[(&str, bool)]) -> Result<Vec<Option<usize>>, FileError> {
        let mut missing = Vec::new();
        let found = wanted
            .iter()
            .map(|(name, required)| {
                let at = self.headings.iter().position(|h| h == name);
                if at.is_none() && *required {
                    missing.push(*name);
                }
                at
            })
            .collect();
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(FileError(format!(
                "見出し行に必要な列がありません: {}。1行目は列名(見出し)にしてください。",
                missing.join("、")
            )))
        }
    }

    /// The next record and the line it starts on; `Err` for a record the
    /// reader cannot make sense of (a wrong number of fields), as an issue.
    pub fn next_record(&mut self) -> Option<Result<(u64, &csv::StringRecord), Issue>> {
        loop {
            match self.csv.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    // The line the record starts on, from where it ends: the
                    // csv reader's own start position misses the empty lines
                    // it skipped before the record. Every record ends with an
                    // LF (see LfOnly), and LFs inside quoted cells count too.
                    let inside: u64 = self
                        .record
                        .iter()
                        .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u64)
                        .sum();
                    let row = self.csv.position().line().saturating_sub(1 + inside);
                    // A blank line (an empty one, or only spaces) is not a record.
                    if self.record.len() == 1 && self.record[0].trim().is_empty() {
                        continue;
                    }
                    if self.record.len() != self.headings.len() {
                        return Some(Err(Issue {
                            row,
                            column: String::new(),
                            message: format!(
                                "列の数が見出し行と違います(見出し {} 列、この行 {} 列)。",
                                self.headings.len(),
                                self.record.len()
                            ),
                            warning: false,
                        }));
                    }
                    if self.record.iter().any(|f| f.contains('\u{FFFD}')) {
                        return Some(Err(Issue {
                            row,
                            column: String::new(),
                            message: "読み取れない文字があります。ファイルの文字コード(UTF-8 または Shift_JIS)が途中で混在していないか確認してください。".into(),
                            warning: false,
                        }));
                    }
                    return Some(Ok((row, &self.record)));
                }
                Err(e) => {
                    let row = e.position().map_or(0, |p| p.line());
                    return Some(Err(Issue {
                        row,
                        column: String::new(),
                        message: format!("読み込めない行です({e})。"),
                        warning: false,
                    }));
                }
            }
        }
    }
}

/// A cell Excel would read as a formula (`=`, `+`, `-`, `@`) made text.
/// For text cells only: a negative amount must stay a number.
pub fn excel_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Rows as a CSV that Excel opens as UTF-8 (with a BOM). Text cells that
/// come from people or files go through [`excel_text`] first.
pub fn excel_csv<R, C>(rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(r);
    }
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{FEFF}");
    out.push_str(&String::from_utf8_lossy(&body));
    out
}

/// Issues as a CSV for Excel: 行, 列, 種別, 内容.
pub fn issues_csv(issues: &[Issue]) -> String {
    let heading = ["行", "列", "種別", "内容"].map(str::to_owned);
    excel_csv(std::iter::once(heading).chain(issues.iter().map(|i| {
        [
            i.row.to_string(),
            excel_text(&i.column),
            if i.warning {
                "警告(取込済)"
            } else {
                "取込不可"
            }
            .to_owned(),
            excel_text(&i.message),
        ]
    })))
}

// ---- Running an import: shared by every CSV the core system sends ----

/// Problems listed (and downloadable); beyond this only counted.
pub const ISSUES_KEPT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Check and count what would happen; write nothing.
    Preview,
    Commit,
}

pub struct Options<'a> {
    pub mode: Mode,
    pub actor: Actor,
    pub ip: &'a str,
    pub file_name: &'a str,
    /// The upload whose progress to keep up to date, for the back office.
    pub import_id: Option<i32>,
}

/// What an import found and did (or, previewed, would do). What
/// `inserted`, `updated` and `unchanged` count depends on the import: members
/// for the members CSV, statements / payment months / years for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub encoding: TextEncoding,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows not taken.
    pub rejected: u64,
    /// Rows taken with a warning (members: characters outside JIS X 0208).
    pub warnings: u64,
    pub issues: Vec<Issue>,
    /// Problems found beyond [`ISSUES_KEPT`].
    pub issues_dropped: u64,
}

impl Outcome {
    pub fn new(encoding: TextEncoding) -> Self {
        Self {
            encoding,
            rows: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            warnings: 0,
            issues: Vec::new(),
            issues_dropped: 0,
        }
    }

    pub fn issue(&mut self, issue: Issue) {
        if self.issues.len() < ISSUES_KEPT {
            self.issues.push(issue);
        } else {
            self.issues_dropped += 1;
        }
    }

    /// The problems as the downloadable CSV.
    pub fn issues_csv(&self) -> String {
        let mut issues = self.issues.clone();
        if self.issues_dropped > 0 {
            issues.push(Issue {
                row: 0,
                column: String::new(),
                message: format!(
                    "ほかに {} 件の問題があります。ファイルを直して、もう一度確認してください。",
                    self.issues_dropped
                ),
                warning: false,
            });
        }
        issues_csv(&issues)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::App(e.into())
    }
}

/// The cells of one record, in the order an import asked for its columns
/// ([`Records::columns`]); a column the file lacks reads as empty.
pub struct Cells<'r> {
    record: &'r csv::StringRecord,
    columns: &'r [Option<usize>],
}

impl<'r> Cells<'r> {
    pub fn get(&self, i: usize) -> &'r str {
        self.columns
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| self.record.get(c))
            .unwrap_or("")
    }

    /// The first `N` cells, for a row check taking them as an array.
    pub fn array<const N: usize>(&self) -> [&'r str; N] {
        std::array::from_fn(|i| self.get(i))
    }
}

/// A row's problems: the column and what is wrong, for staff.
pub type Problems = Vec<(&'static str, String)>;

/// The next checked rows of `records`, up to `size`, each with its line:
/// `check` reads a record's cells; a row it refuses (or one the reader could
/// not make sense of) is counted in `out` and its problems listed there.
/// Fewer than `size` means the file has ended.
pub fn next_batch<R: Read, T>(
    records: &mut Records<R>,
    columns: &[Option<usize>],
    size: usize,
    out: &mut Outcome,
    mut check: impl FnMut(Cells<'_>) -> Result<T, Problems>,
) -> Vec<(u64, T)> {
    let mut batch = Vec::with_capacity(size);
    while batch.len() < size {
        let Some(next) = records.next_record() else {
            break;
        };
        out.rows += 1;
        let found = match next {
            Err(issue) => vec![issue],
            Ok((row, record)) => match check(Cells { record, columns }) {
                Ok(taken) => {
                    batch.push((row, taken));
                    continue;
                }
                Err(problems) => problems
                    .into_iter()
                    .map(|(column, message)| Issue {
                        row,
                        column: column.to_owned(),
                        message,
                        warning: false,
                    })
                    .collect(),
            },
        };
        out.rejected += 1;
        for issue in found {
            out.issue(issue);
        }
    }
    batch
}

/// The audit entry of a finished import: the file and what became of its
/// rows, `new` and `replaced` naming what `inserted` and `updated` count.
pub async fn record_done(
    db: &DatabaseConnection,
    options: &Options<'_>,
    (action, new, replaced): (&'static str, &str, &str),
    out: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), ImportError> {
    let txn = crate::ssr::db::begin_write(db).await?;
    crate::ssr::audit::record(
        &txn,
        crate::ssr::audit::Entry {
            actor: options.actor,
            member_id: None,
            action,
            before: None,
            after: Some(format!(
                "{}: {} 行({new} {}、{replaced} {}、変更なし {}、取込不可 {})",
                options.file_name, out.rows, out.inserted, out.updated, out.unchanged, out.rejected
            )),
            ip: options.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An import still `running` after this long was cut off (a restart, a
/// crash): 32 MB take well under a minute.
pub const STALE_AFTER_MINUTES: i64 = 30;

/// Marks imports cut off midway as failed, so staff see it and upload the
/// file again (rows already taken are not doubled). Answers how many.
pub async fn end_stale(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    use sea_orm::sea_query::Expr;
    let ended = member_import::Entity::update_many()
        .col_expr(member_import::Column::Status, Expr::value("failed"))
        .col_expr(member_import::Column::Error, Expr::value(Some(INTERRUPTED)))
        .col_expr(member_import::Column::FinishedAt, Expr::value(Some(now)))
        .col_expr(
            member_import::Column::Content,
            Expr::value(Vec::<u8>::new()),
        )
        .filter(member_import::Column::Status.eq("running"))
        .filter(
            member_import::Column::StartedAt
                .lte(now - chrono::Duration::minutes(STALE_AFTER_MINUTES)),
        )
        .exec(db)
        .await?;
    Ok(ended.rows_affected)
}

/// What staff read about an import that did not finish.
pub const INTERRUPTED: &str = "取込が途中で止まりました。同じファイルをもう一度アップロードしてください(取り込み済みの行は重複しません)。";

/// Keeps the upload's counters where the back office reads them, in the
/// batch's own transaction.
pub async fn progress(
    db: &impl ConnectionTrait,
    id: i32,
    out: &Outcome,
) -> Result<(), ImportError> {
    let n = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
    member_import::ActiveModel {
        id: Set(id),
        rows_done: Set(n(out.rows)),
        inserted: Set(n(out.inserted)),
        updated: Set(n(out.updated)),
        unchanged: Set(n(out.unchanged)),
        rejected: Set(n(out.rejected)),
        warnings: Set(n(out.warnings)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> (TextEncoding, Vec<String>, Vec<Vec<String>>) {
        let mut r = Records::open(bytes).unwrap();
        let mut rows = Vec::new();
        while let Some(rec) = r.next_record() {
            let (_, rec) = rec.unwrap();
            rows.push(rec.iter().map(str::to_owned).collect());
        }
        (r.encoding, r.headings.clone(), rows)
    }

    #[test]
    fn utf8_with_and_without_bom_and_cp932_read_the_same() {
        let text = "組合員番号,氏名\n0123-45678,髙橋 一郎\n";
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        for (bytes, enc) in [
            (text.as_bytes().to_vec(), TextEncoding::Utf8),
            (
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                TextEncoding::Utf8,
            ),
            (sjis.into_owned(), TextEncoding::ShiftJis),
        ] {
            let (found, headings, rows) = read_all(&bytes);
            assert_eq!(found, enc);
            assert_eq!(headings, ["組合員番号", "氏名"]);
            assert_eq!(rows, [["0123-45678", "髙橋 一郎"]]);
        }
    }

    #[test]
    fn crlf_becomes_lf_across_reads_of_any_size() {
        let text = b"a\r\nb\rc\r\n\r\r\nd\r";
        for size in 1..=text.len() + 1 {
            for chunk in 1..=4 {
                // The inner reader gives `chunk` bytes at a time.
                struct Slow<'a>(&'a [u8], usize);
                impl Read for Slow<'_> {
                    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                        let n = self.1.min(out.len()).min(self.0.len());
                        out[..n].copy_from_slice(&self.0[..n]);
                        self.0 = &self.0[n..];
                        Ok(n)
                    }
                }
                let mut r = LfOnly::new(Slow(text, chunk));
                let mut got = Vec::new();
                let mut out = vec![0; size];
                loop {
                    let n = r.read(&mut out).unwrap();
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&out[..n]);
                }
                assert_eq!(got, b"a\nb\nc\n\n\nd\n", "read {size}, inner {chunk}");
            }
        }
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on() {
        for (text, lines) in [
            ("h\n1\n2\n3\n", [2, 3, 4]),
            ("h\r\n1\r\n2\r\n3", [2, 3, 4]),
            ("h\r\n1\r\n\r\n2\r\n3\r\n", [2, 4, 5]),
            ("h\n\n\n1\n2\n \n3", [4, 5, 7]),
            ("h\r\n\"1\r\nx\"\r\n2\r\n3\r\n", [2, 4, 5]),
            ("h\r1\r2\r3\r", [2, 3, 4]),
        ] {
            let mut r = Records::open(text.as_bytes()).unwrap();
            let mut found = Vec::new();
            while let Some(rec) = r.next_record() {
                found.push(rec.unwrap().0);
            }
            assert_eq!(found, lines, "{text:?}");
        }
    }

    #[test]
    fn crlf_quotes_and_a_trailing_blank_line() {
        let text = "a,b\r\n\"1,5\",\"two\r\nlines\"\r\n\r\n";
        let (_, _, rows) = read_all(text.as_bytes());
        assert_eq!(rows, [["1,5", "two\nlines"]]);
    }

    #[test]
    fn a_short_row_is_an_issue_with_its_line() {
        let mut r = Records::open("a,b\n1,2\n3\n".as_bytes()).unwrap();
        assert!(r.next_record().unwrap().is_ok());
        let issue = r.next_record().unwrap().unwrap_err();
        assert_eq!(issue.row, 3);
        assert!(r.next_record().is_none());
    }

    #[test]
    fn missing_columns_are_named() {
        let r = Records::open("氏名\nx\n".as_bytes()).unwrap();
        let e = r.columns(&[("組合員番号", true), ("氏名", true), ("勤務先", false)]);
        assert!(e.unwrap_err().0.contains("組合員番号"));
        assert_eq!(
            r.columns(&[("氏名", true), ("勤務先", false)]).unwrap(),
            vec![Some(0), None]
        );
        assert!(Records::open(&b""[..]).is_err());
    }

    #[test]
    fn thousands_of_blank_lines_and_broken_bytes() {
        let mut text = String::from("a,b\n");
        text.push_str(&" \r\n".repeat(200_000));
        text.push_str("1,2\n");
        let (_, _, rows) = read_all(text.as_bytes());
        assert_eq!(rows, [["1", "2"]]);
        // UTF-8 judged from the first 64 KiB, a CP932 name after them: that
        // row is refused, not stored garbled.
        let mut bytes = b"a,b\n".to_vec();
        bytes.extend_from_slice(&b"1,2\n".repeat(20_000));
        bytes.extend_from_slice(b"3,\x82\xa0\n");
        let mut r = Records::open(bytes.as_slice()).unwrap();
        assert_eq!(r.encoding, TextEncoding::Utf8);
        for _ in 0..20_000 {
            assert!(r.next_record().unwrap().is_ok());
        }
        assert!(r
            .next_record()
            .unwrap()
            .unwrap_err()
            .message
            .contains("読み取れない文字"));
    }

    #[test]
    fn formulas_stay_text() {
        let csv = issues_csv(&[Issue {
            row: 2,
            column: "=A1".into(),
            message: "@SUM(1)".into(),
            warning: true,
        }]);
        assert!(csv.contains("2,'=A1,警告(取込済),'@SUM(1)"), "{csv}");
    }

    #[test]
    fn the_issue_file_opens_in_excel() {
        let csv = issues_csv(&[Issue {
            row: 3,
            column: "生年月日".into(),
            message: "ありえない日付です。".into(),
            warning: false,
        }]);
        assert!(csv.starts_with('\u{FEFF}'));
        assert!(csv.contains("3,生年月日,取込不可,ありえない日付です。"));
    }
}
