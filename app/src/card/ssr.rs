//! Card tokens on the server: `c1.{member id}.{expiry, unix seconds}.{key id}.{signature}`,
//! the signature an Ed25519 one (ed25519-dalek, `verify_strict`) over
//! everything before it, made with the key of `MYPAGE_CARD_KEY`. Tokens
//! signed with a key listed in `MYPAGE_CARD_OLD_KEYS` still verify, so the
//! key can be rotated without invalidating cards already on screen.

use base64::Engine;
use chrono::{DateTime, Duration, TimeZone, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey};
use sea_orm::EntityTrait;
use sha2::{Digest, Sha256};

use super::{Card, Checked};
use crate::auth::ssr::{current_member, display_member_number};
use crate::domain::card::{
    holds_card, verdict, TokenKind, Verdict, OFFLINE_TOKEN_HOURS, TOKEN_SECONDS,
};
use crate::domain::jis::display_spelling;
use crate::domain::jst;
use crate::error::AppError;
use crate::ssr::entities::{member, member_account};
use crate::ssr::request::Request;
use crate::ssr::Config;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Eight hex characters naming a key.
fn key_id(key: &SigningKey) -> String {
    Sha256::digest(key.verifying_key().to_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The token of `kind` for `member_id`, good until `expires_at`; `None`
/// when no key is configured.
pub fn sign(
    config: &Config,
    kind: TokenKind,
    member_id: i32,
    expires_at: DateTime<Utc>,
) -> Option<String> {
    let key = SigningKey::from_bytes(config.card_key.as_ref()?);
    let body = format!(
        "{}.{member_id}.{}.{}",
        kind.prefix(),
        expires_at.timestamp(),
        key_id(&key)
    );
    let signature = key.sign(body.as_bytes());
    Some(format!("{body}.{}", B64.encode(signature.to_bytes())))
}

/// The member, expiry and kind of a token signed by one of the configured keys.
pub fn read(config: &Config, token: &str) -> Option<(i32, DateTime<Utc>, TokenKind)> {
    let token = token.trim();
    if token.len() > 200 {
        return None;
    }
    let (body, signature) = token.rsplit_once('.')?;
    let mut parts = body.split('.');
    let (version, member, expiry, kid) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let kind = TokenKind::from_prefix(version)?;
    if parts.next().is_some() {
        return None;
    }
    let key = config
        .card_key
        .iter()
        .chain(config.card_old_keys.iter())
        .map(SigningKey::from_bytes)
        .find(|k| key_id(k) == kid)?;
    let signature = Signature::from_slice(&B64.decode(signature).ok()?).ok()?;
    key.verifying_key()
        .verify_strict(body.as_bytes(), &signature)
        .ok()?;
    let expires_at = Utc.timestamp_opt(expiry.parse().ok()?, 0).single()?;
    Some((member.parse().ok()?, expires_at, kind))
}

fn unavailable() -> AppError {
    AppError::Conflict(
        "デジタル組合員証は現在ご利用いただけません。窓口では組合員番号をお伝えください。".into(),
    )
}

/// [`super::my_card`].
pub async fn card(refresh: bool) -> Result<Card, AppError> {
    let me = if refresh {
        crate::auth::ssr::current_member_in_background().await?
    } else {
        current_member().await?
    };
    let Request { state, now, .. } = Request::current()?;
    let (m, account) = member::Entity::find_by_id(me.member_id)
        .find_also_related(member_account::Entity)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let stage = crate::member::ssr::stage_of(&m, account.as_ref(), now);
    if !holds_card(stage) {
        return Err(unavailable());
    }
    let token = sign(
        &state.config,
        TokenKind::Online,
        m.id,
        now + Duration::seconds(TOKEN_SECONDS),
    )
    .ok_or_else(unavailable)?;
    let qr = qrcode::QrCode::new(token.as_bytes()).map_err(|_| AppError::Internal)?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .build();
    let name_note = crate::member::ssr::changes::pending_name(&state.db, m.id)
        .await?
        .map(|n| format!("氏名の変更をお手続き中です(反映の目安:{})。", n.expected_on));
    Ok(Card {
        name_note,
        coop_name: state.config.coop_name.clone(),
        name: display_spelling(&m.name).0,
        member_number: display_member_number(&m.member_number),
        member_since: jst::format_date(m.capital_paid_on.unwrap_or(jst::today(m.created_at))),
        status: stage.label(),
        token,
        qr_svg,
        refreshed_at: now
            .with_timezone(&jst::offset())
            .format("%H:%M:%S")
            .to_string(),
    })
}

/// `GET /mypage/card/offline`: the card as a page of its own, with a token
/// valid for [`OFFLINE_TOKEN_HOURS`], for the service worker to keep and show
/// when there is no network (`public/sw.js` states the rule). Needs no
/// script; answers 401 / 403 / 404 (no session, no card, no key) so the
/// worker drops the copy it has.
pub async fn offline_page(
    axum::extract::State(state): axum::extract::State<crate::ssr::AppState>,
    headers: http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::StatusCode;
    let now = state.clock.now();
    // Fetched by the service worker on its own: it must not keep the login
    // of a page left open alive.
    let me = match crate::auth::ssr::member_from_headers_in_background(
        &state.db,
        &state.config,
        &headers,
        now,
    )
    .await
    {
        Ok(me) if !me.must_change_password => me,
        _ => return StatusCode::UNAUTHORIZED.into_response(),
    };
    let found = member::Entity::find_by_id(me.member_id)
        .find_also_related(member_account::Entity)
        .one(&state.db)
        .await;
    let Ok(Some((m, account))) = found else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let stage = crate::member::ssr::stage_of(&m, account.as_ref(), now);
    if !holds_card(stage) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let expires_at = now + Duration::hours(OFFLINE_TOKEN_HOURS);
    let Some(token) = sign(&state.config, TokenKind::Offline, m.id, expires_at) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(qr) = qrcode::QrCode::new(token.as_bytes()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let qr_svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .build();
    let page = OfflineCard {
        stylesheet: crate::ssr::assets::stylesheet_href(&state.leptos_options),
        coop_name: state.config.coop_name.clone(),
        name: display_spelling(&m.name).0,
        member_number: display_member_number(&m.member_number),
        member_since: jst::format_date(m.capital_paid_on.unwrap_or(jst::today(m.created_at))),
        status: stage.label(),
        saved_at: jst::format_datetime(now),
        expires_at: jst::format_datetime(expires_at),
        token,
        qr_svg,
    };
    (
        [(http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page.render(),
    )
        .into_response()
}

struct OfflineCard {
    stylesheet: &'static str,
    coop_name: String,
    name: String,
    member_number: String,
    member_since: String,
    status: String,
    saved_at: String,
    expires_at: String,
    token: String,
    qr_svg: String,
}

impl OfflineCard {
    /// A whole document; Leptos escapes every text.
    fn render(self) -> String {
        use leptos::prelude::*;
        let body = view! {
            <main class="page" id="main">
                <h1>"デジタル組合員証"</h1>
                <p class="notice" role="note">
                    "通信できないため、" {self.saved_at.clone()}
                    "に保存した組合員証を表示しています。このQRコードは" {self.expires_at}
                    "まで有効です。"
                </p>
                <section class="member-card" aria-labelledby="card-name">
                    <p class="member-card__coop">{self.coop_name}</p>
                    <p class="member-card__title">"組合員証"</p>
                    <p class="member-card__name" id="card-name">{self.name} " 様"</p>
                    <dl class="member-card__facts">
                        <div><dt>"組合員番号"</dt><dd>{self.member_number}</dd></div>
                        <div><dt>"加入日"</dt><dd>{self.member_since}</dd></div>
                        <div><dt>"状態"</dt><dd>{self.status}</dd></div>
                    </dl>
                    <div class="member-card__qr" role="img" aria-label="確認用QRコード" data-token=self.token inner_html=self.qr_svg></div>
                    <p class="member-card__time">{self.saved_at} " 保存(オフライン表示)"</p>
                </section>
                <p class="hint">"通信できる場所では、マイページの組合員証をお使いください。"</p>
            </main>
        }
        .to_html();
        format!(
            "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>デジタル組合員証(オフライン) | 組合員マイページ</title>\
             <link rel=\"stylesheet\" href=\"{stylesheet}\">\
             <link rel=\"manifest\" href=\"/manifest.webmanifest\">\
             <meta name=\"theme-color\" content=\"#0b6e4f\"></head><body>{body}</body></html>",
            stylesheet = self.stylesheet,
        )
    }
}

/// [`super::staff_verify_card`].
pub async fn verify(token: &str) -> Result<Checked, AppError> {
    let me = crate::staff::ssr::auth::current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let read = read(&state.config, token);
    let found = match read {
        Some((id, _, _)) => {
            member::Entity::find_by_id(id)
                .find_also_related(member_account::Entity)
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let stage = found
        .as_ref()
        .map(|(m, a)| crate::member::ssr::stage_of(m, a.as_ref(), now));
    let expires_at = read.map(|(_, e, _)| e).unwrap_or(now);
    let v = verdict(read.is_some(), expires_at, stage, now);
    let offline = read.is_some_and(|(_, _, k)| k == TokenKind::Offline);
    let label = match v {
        Verdict::Valid if offline => format!(
            "{}(通信できない場所で表示された組合員証です。最後にオンラインで表示してから{OFFLINE_TOKEN_HOURS}時間有効)",
            v.label()
        ),
        _ => v.label().to_owned(),
    };
    crate::ssr::audit::record(
        &state.db,
        crate::ssr::audit::Entry {
            actor: crate::ssr::audit::Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: found.as_ref().map(|(m, _)| m.id),
            action: "card_verified",
            before: None,
            after: Some(label.clone()),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    let genuine = v != Verdict::Invalid;
    Ok(Checked {
        verdict: v,
        label,
        offline: offline && genuine,
        name: found
            .as_ref()
            .filter(|_| genuine)
            .map(|(m, _)| display_spelling(&m.name).0),
        member_number: found
            .as_ref()
            .filter(|_| genuine)
            .map(|(m, _)| display_member_number(&m.member_number)),
        status: stage.filter(|_| genuine).map(|s| s.label()),
        expires_at: read
            .filter(|_| genuine)
            .map(|(_, e, _)| jst::format_datetime(e)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: [u8; 32], old: Vec<[u8; 32]>) -> Config {
        let mut c = Config::development().unwrap();
        c.card_key = Some(key);
        c.card_old_keys = old;
        c
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let a = config([1; 32], vec![]);
        let token = sign(&a, TokenKind::Online, 42, at).unwrap();
        assert_eq!(read(&a, &token), Some((42, at, TokenKind::Online)));
        let offline = sign(&a, TokenKind::Offline, 42, at).unwrap();
        assert!(offline.starts_with("o1.42."));
        assert_eq!(read(&a, &offline), Some((42, at, TokenKind::Offline)));
        // Another co-op's key, or no key.
        assert_eq!(read(&config([2; 32], vec![]), &token), None);
        // After a rotation the old key still verifies.
        assert_eq!(
            read(&config([2; 32], vec![[1; 32]]), &token),
            Some((42, at, TokenKind::Online))
        );
    }

    #[test]
    fn altered_tokens_never_verify() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let c = config([7; 32], vec![]);
        let token = sign(&c, TokenKind::Online, 42, at).unwrap();
        // An online token cannot pass for an offline one (the kind is signed).
        let as_offline = token.replacen("c1.", "o1.", 1);
        let later = token.replacen(
            &at.timestamp().to_string(),
            &(at.timestamp() + 86_400).to_string(),
            1,
        );
        let other = token.replacen("c1.42.", "c1.43.", 1);
        for bad in [
            as_offline,
            later,
            other,
            format!("{token}x"),
            "c1.42".into(),
            String::new(),
            "x".repeat(500),
        ] {
            assert_eq!(read(&c, &bad), None, "{bad}");
        }
    }
}
