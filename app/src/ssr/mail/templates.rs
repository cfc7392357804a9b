//! The text of every mail. Each names the co-op and the member, says what
//! happened, and what to do if the member did not ask for it.

use super::Mail;
use crate::ssr::Config;

/// Who a mail is for.
pub struct Recipient<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

fn compose(config: &Config, to: &Recipient, subject: &str, body: &str, not_you: &str) -> Mail {
    Mail {
        sensitive: false,
        to: to.email.to_owned(),
        subject: format!("【{}】{subject}", config.coop_name),
        body: format!(
            "{name}様\n\n{body}\n\n{not_you}\n\n\
             ※このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。\n\
             ──────────────────────\n\
             {coop} 組合員マイページ\n{url}\n\
             お問い合わせ:{phone}({hours})\n",
            name = to.name,
            coop = config.coop_name,
            url = config.public_url,
            phone = config.coop_phone,
            hours = config.coop_phone_hours,
        ),
    }
}

fn not_you(config: &Config) -> String {
    format!(
        "お心当たりのない場合は、第三者がお客様のアカウントを操作しようとしている可能性があります。\
         マイページにログインしてパスワードを変更し、{}({})までご連絡ください。",
        config.coop_name, config.coop_phone
    )
}

pub fn password_reset(config: &Config, to: &Recipient, link: &str, minutes: i64) -> Mail {
    compose(
        config,
        to,
        "パスワード再設定のご案内",
        &format!(
            "パスワード再設定のお申し込みを受け付けました。\n\
             下記のURLにアクセスし、新しいパスワードを登録してください。\n\n{link}\n\n\
             このURLの有効期限は{minutes}分間です。一度お使いになると無効になります。"
        ),
        "お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。",
    )
    .secret()
}

pub fn password_changed(config: &Config, to: &Recipient, when: &str) -> Mail {
    compose(
        config,
        to,
        "パスワード変更のお知らせ",
        &format!(
            "{when}にマイページのパスワードが変更されました。\n\
             安全のため、ほかの端末でのログインはすべて終了しています。"
        ),
        &not_you(config),
    )
}

/// `expires`: when the temporary password stops working (`2026/12/10 15:00`).
pub fn temporary_password(config: &Config, to: &Recipient, password: &str, expires: &str) -> Mail {
    compose(
        config,
        to,
        "仮パスワードのお知らせ",
        &format!(
            "マイページの仮パスワードを発行しました。\n\n仮パスワード:{password}\n\
             有効期限:{expires}まで\n\n\
             ログイン画面でユーザーIDまたはメールアドレスと、この仮パスワードを入力してください。\
             ログイン後、新しいパスワードの登録をお願いいたします。\n\
             有効期限を過ぎた場合は、ログイン画面の「パスワードを忘れた方はこちら」から再設定してください。"
        ),
        &not_you(config),
    )
    .secret()
}

pub fn account_locked(config: &Config, to: &Recipient, when: &str, minutes: i64) -> Mail {
    compose(
        config,
        to,
        "アカウントを一時的にロックしました",
        &format!(
            "{when}、パスワードの誤りが続いたため、マイページのアカウントを一時的にロックしました。\n\
             ロックは約{minutes}分後に解除されます。すぐにご利用になりたい場合は、\
             ログイン画面の「パスワードを忘れた方はこちら」からパスワードを再設定してください。"
        ),
        &not_you(config),
    )
}

pub fn user_id_changed(config: &Config, to: &Recipient, when: &str, new_id: &str) -> Mail {
    compose(
        config,
        to,
        "ユーザーID変更のお知らせ",
        &format!("{when}にマイページのユーザーIDを「{new_id}」に変更しました。"),
        &not_you(config),
    )
}

pub fn email_change_code(config: &Config, to: &Recipient, code: &str, minutes: i64) -> Mail {
    compose(
        config,
        to,
        "メールアドレス確認の認証コード",
        &format!(
            "マイページのメールアドレスをこのアドレスに変更するお手続きを受け付けました。\n\
             変更の画面で、次の認証コードを入力してください。\n\n認証コード:{code}\n\n\
             認証コードの有効期限は{minutes}分間です。"
        ),
        "お心当たりのない場合は、このメールを破棄してください。メールアドレスは変更されません。",
    )
    .secret()
}

pub fn email_changed(config: &Config, to: &Recipient, when: &str, new_email: &str) -> Mail {
    compose(
        config,
        to,
        "メールアドレス変更のお知らせ",
        &format!(
            "{when}にマイページのメールアドレスを「{new_email}」に変更しました。\n\
             今後のお知らせは新しいメールアドレスにお送りします。"
        ),
        &not_you(config),
    )
}

/// [`email_changed`] when staff made the change on the member's request;
/// `new_email` is `None` for the old address (which is not told the new one).
pub fn email_changed_by_staff(
    config: &Config,
    to: &Recipient,
    when: &str,
    new_email: Option<&str>,
) -> Mail {
    let to_what = match new_email {
        Some(address) => format!("「{address}」"),
        None => "お申し出のあった新しいメールアドレス".to_owned(),
    };
    compose(
        config,
        to,
        "メールアドレス変更のお知らせ",
        &format!(
            "お申し出により、{when}に{coop}がマイページのメールアドレスを{to_what}に変更しました。\n\
             今後のお知らせは新しいメールアドレスにお送りします。\n\
             ログイン中の端末はすべてログアウトしました。次のログインでは、新しいメールアドレスに届く認証コードを入力してください。\n\
             パスワードをお忘れの場合は、ログイン画面の「パスワードを忘れた方はこちら」からお手続きください。",
            coop = config.coop_name
        ),
        &not_yours(config),
    )
}

pub fn login_code(
    config: &Config,
    to: &Recipient,
    code: &str,
    minutes: i64,
    browser: &str,
    mark: &str,
) -> Mail {
    compose(
        config,
        to,
        "ログインの認証コード",
        &format!(
            "はじめてお使いの端末({browser})からマイページへのログインがありました。\n\
             ログイン画面に「照合記号 {mark}」と表示されていることをご確認のうえ、\
             次の認証コードを入力してください。\n\n認証コード:{code}\n照合記号:{mark}\n\n\
             認証コードの有効期限は{minutes}分間です。"
        ),
        &not_you(config),
    )
    .secret()
}

/// A staff member's one-time link to choose a password: for a new account
/// (`setup`), or after an admin reset it (then the second factor is enrolled
/// again at the next login).
pub fn staff_link(
    config: &Config,
    to: &Recipient,
    login_id: &str,
    link: &str,
    hours: i64,
    reset: bool,
) -> Mail {
    let (subject, why) = if reset {
        (
            "管理画面のログイン情報の再設定",
            "管理者が、あなたの管理画面のパスワードと二段階認証をリセットしました。",
        )
    } else {
        (
            "管理画面のアカウントのご案内",
            "組合員マイページの管理画面に、あなたのアカウントが作成されました。",
        )
    };
    compose(
        config,
        to,
        subject,
        &format!(
            "{why}\n次のURLを開いて、パスワードを設定してください。\n\n{link}\n\n\
             ログインID:{login_id}\n\
             このURLの有効期限は{hours}時間です。一度だけ使えます。\n\
             パスワードの設定後、はじめてのログインで、スマートフォンの認証アプリによる二段階認証を登録していただきます。"
        ),
        "お心当たりのない場合は、このメールを破棄し、管理者にご連絡ください。",
    )
    .secret()
}

/// A staff member's password was changed.
pub fn staff_password_changed(config: &Config, to: &Recipient, when: &str) -> Mail {
    compose(
        config,
        to,
        "管理画面のパスワード変更のお知らせ",
        &format!(
            "{when}に管理画面のパスワードが変更されました。\n\
             安全のため、ほかの端末での管理画面へのログインはすべて終了しています。"
        ),
        "お心当たりのない場合は、すぐに管理者にご連絡ください。",
    )
}

/// My Page was stopped (M13): by the member, or by staff (at the member's
/// request by phone, or for misuse). A stopped account cannot log in, so the
/// mail points to the phone only.
pub fn service_stopped(config: &Config, to: &Recipient, when: &str, by_staff: bool) -> Mail {
    let how = if by_staff {
        "当組合にて"
    } else {
        "お客様のお手続きにより"
    };
    compose(
        config,
        to,
        "マイページのご利用停止のお知らせ",
        &format!(
            "{when}に{how}マイページのご利用を停止しました。ログインと組合員証はご利用いただけません。\n\
             スマートフォンのホーム画面に組合員証を追加している場合は、削除してください。\n\
             ご契約やお手続きには影響ありません。\n\
             再開をご希望の場合は、{}({})までお電話でご連絡ください。",
            config.coop_phone, config.coop_phone_hours
        ),
        &format!(
            "お心当たりのない場合は、{}({})までお電話でご連絡ください。",
            config.coop_name, config.coop_phone
        ),
    )
}

/// Staff recorded the member's confirmed name change (改姓, S2).
/// `signed_in`: the member can use My Page (and the card) now.
pub fn name_changed(config: &Config, to: &Recipient, when: &str, signed_in: bool) -> Mail {
    let shown = if signed_in {
        "\nマイページと組合員証には、新しい氏名を表示します。"
    } else {
        ""
    };
    compose(
        config,
        to,
        "登録内容変更(氏名)完了のお知らせ",
        &format!("{when}に、お届けいただいた氏名・フリガナの変更を登録しました。{shown}"),
        &format!(
            "お心当たりのない場合は、{}({})までご連絡ください。",
            config.coop_name, config.coop_phone
        ),
    )
}

/// The member changed their address or phone on My Page. The mail says what
/// changed, never the new value (seed 000: an address change mail must not
/// reveal the new address).
pub fn registration_changed(config: &Config, to: &Recipient, what: &str, when: &str) -> Mail {
    compose(
        config,
        to,
        &format!("登録内容変更({what})完了のお知らせ"),
        &format!(
            "{when}に、マイページからご登録の{what}を変更しました。\n\
             変更後の内容は、マイページの「登録内容の確認・変更」でご確認いただけます。"
        ),
        &not_you(config),
    )
}

/// Staff re-opened it.
pub fn service_reopened(config: &Config, to: &Recipient, when: &str) -> Mail {
    compose(
        config,
        to,
        "マイページのご利用再開のお知らせ",
        &format!(
            "{when}にマイページのご利用を再開しました。これまでのユーザーIDとパスワードでログインできます。"
        ),
        &not_you(config),
    )
}

/// Staff recorded the member's withdrawal (M14): until when My Page works.
/// `ended`: the last day has passed already (recorded late).
pub fn withdrawal_recorded(
    config: &Config,
    to: &Recipient,
    withdrawn_on: &str,
    last_day: &str,
    ended: bool,
) -> Mail {
    let access = if ended {
        format!(
            "マイページとデジタル組合員証のご利用期間は、出資金の返還日の{last_day}で終了しています。\
             ホーム画面に組合員証を追加している場合は、削除してください。"
        )
    } else {
        format!(
            "マイページは、出資金の返還日の{last_day}までご利用いただけます。\
             請求明細などの必要な情報は、それまでにご確認ください。{last_day}を過ぎるとログインできなくなり、デジタル組合員証もご利用いただけなくなります。\
             ホーム画面に組合員証を追加している場合は、その後に削除してください。"
        )
    };
    compose(
        config,
        to,
        "脱退のお手続きについて(マイページのご利用期間)",
        &format!(
            "{withdrawn_on}付けの脱退のお手続きを承りました。これまでのご利用、誠にありがとうございました。\n\n{access}"
        ),
        &format!(
            "お心当たりのない場合は、{}({})までご連絡ください。",
            config.coop_phone, config.coop_phone_hours
        ),
    )
}

/// Staff corrected the dates of the member's withdrawal.
/// `ended`: the corrected last day has passed already.
pub fn withdrawal_corrected(
    config: &Config,
    to: &Recipient,
    withdrawn_on: &str,
    last_day: &str,
    ended: bool,
) -> Mail {
    let after = if ended {
        format!("マイページのご利用は{last_day}で終了しています。")
    } else {
        format!(
            "{last_day}を過ぎるとログインできなくなります。請求明細などの必要な情報は、それまでにご確認ください。"
        )
    };
    compose(
        config,
        to,
        "脱退のお手続きについて(ご利用期間の訂正)",
        &format!(
            "先にお知らせした脱退のお手続きの日付を、次のとおり訂正いたしました。\n\n\
             脱退日:{withdrawn_on}\n\
             マイページのご利用期間:{last_day}(出資金の返還日)まで\n\n{after}"
        ),
        &format!(
            "お心当たりのない場合は、{}({})までご連絡ください。",
            config.coop_phone, config.coop_phone_hours
        ),
    )
}

/// Staff cancelled a withdrawal recorded by mistake: the member is a member
/// again, with My Page and the card as before.
pub fn withdrawal_cancelled(config: &Config, to: &Recipient, when: &str) -> Mail {
    compose(
        config,
        to,
        "脱退の記録の取消について",
        &format!(
            "先にお知らせした脱退のお手続きの記録は誤りでしたので、{when}に取り消しました。\n\
             ご不便をおかけし、申し訳ございません。\n\n\
             これまでどおり組合員として、マイページとデジタル組合員証をご利用いただけます。\
             ご契約の保障も、脱退の記録がなかったものとして続いています。"
        ),
        &format!(
            "お心当たりのない場合は、{}({})までご連絡ください。",
            config.coop_phone, config.coop_phone_hours
        ),
    )
}

/// The code that confirms the address given at マイページ登録.
pub fn registration_code(config: &Config, to: &Recipient, code: &str, minutes: i64) -> Mail {
    compose(
        config,
        to,
        "マイページ登録の認証コード",
        &format!(
            "マイページ登録のお手続き中です。登録の画面で、次の認証コードを入力してください。\n\n\
             認証コード:{code}\n\n認証コードの有効期限は{minutes}分間です。"
        ),
        "お心当たりのない場合は、このメールを破棄してください。",
    )
    .secret()
}

/// マイページ登録 is done (手続き完了).
pub fn registered(config: &Config, to: &Recipient, user_id: &str, when: &str) -> Mail {
    compose(
        config,
        to,
        "マイページ登録完了のお知らせ",
        &format!(
            "{when}にマイページの登録が完了しました。\n\
             ユーザーID:{user_id}\n\n\
             ログイン画面で、ユーザーIDまたはこのメールアドレスと、登録したパスワードでログインしてください。\n{url}",
            url = config.public_url
        ),
        &not_you(config),
    )
}

/// What a procedure mail names: its number, kind and content.
pub struct ProcedureFacts<'a> {
    pub receipt: &'a str,
    pub kind: &'a str,
    pub summary: &'a str,
}

fn procedure_block(p: &ProcedureFacts) -> String {
    format!(
        "受付番号:{}\nお手続き:{}\n内容:{}",
        p.receipt, p.kind, p.summary
    )
}

fn not_yours(config: &Config) -> String {
    format!(
        "このお手続きにお心当たりのない場合は、{}({})までご連絡ください。",
        config.coop_name, config.coop_phone
    )
}

pub fn procedure_filed(
    config: &Config,
    to: &Recipient,
    p: &ProcedureFacts,
    by_staff: bool,
    signed_in: bool,
) -> Mail {
    let how = if by_staff {
        "組合員様からのご依頼により、職員がお手続きを受け付けました。"
    } else {
        "マイページからのお手続きを受け付けました。"
    };
    let follow = if signed_in {
        "お手続きの状況は、マイページの「手続き照会」でご確認いただけます。\
         状況が変わりましたら、あらためてメールでお知らせします。"
            .to_owned()
    } else {
        format!(
            "状況が変わりましたら、あらためてメールでお知らせします。{}",
            closed_page(config)
        )
    };
    compose(
        config,
        to,
        "お手続き受付のお知らせ",
        &format!("{how}\n\n{}\n\n{follow}", procedure_block(p)),
        &not_yours(config),
    )
}

pub fn procedure_status(
    config: &Config,
    to: &Recipient,
    p: &ProcedureFacts,
    status: &str,
    notes: &[String],
    comment: Option<&str>,
    signed_in: bool,
) -> Mail {
    let mut body = format!(
        "お手続きの状況が「{status}」になりました。\n\n{}",
        procedure_block(p)
    );
    if let Some(comment) = comment {
        body.push_str(&format!("\n\n担当者より:\n{comment}"));
    }
    for note in notes {
        body.push_str(&format!("\n\n{note}"));
    }
    body.push_str(&if signed_in {
        "\n\n詳しくは、マイページの「手続き照会」でご確認ください。".to_owned()
    } else {
        closed_page(config)
    });
    compose(
        config,
        to,
        &format!("お手続き状況のお知らせ({status})"),
        &body,
        &not_yours(config),
    )
}

/// The last lines of a mail to a member whose My Page is closed (stopped,
/// or past the refund date): no page to log in to, the phone instead.
fn closed_page(config: &Config) -> String {
    format!(
        "\n\nマイページはご利用いただけない状態のため、ご不明な点は{}({})までお電話でお問い合わせください。",
        config.coop_phone, config.coop_phone_hours
    )
}

/// A reply from the co-op waits on My Page. The mail carries no reply text:
/// the member reads it after logging in. `signed_in`: whether the member
/// can log in now; when not, the co-op tells the answer by phone or post.
pub fn inquiry_answered(
    config: &Config,
    to: &Recipient,
    subject: &str,
    thread_id: i32,
    signed_in: bool,
) -> Mail {
    let read = if signed_in {
        format!(
            "回答の内容は、マイページにログインしてご確認ください。\n{}/mypage/inquiries/{thread_id}",
            config.public_url
        )
    } else {
        format!(
            "マイページはご利用いただけない状態のため、回答の内容は担当者からお電話または郵送でお伝えします。\n\
             お急ぎの場合は、{}({})までお電話ください。",
            config.coop_phone, config.coop_phone_hours
        )
    };
    compose(
        config,
        to,
        "お問い合わせに回答しました",
        &format!("お問い合わせ「{subject}」に、当組合の担当者から回答がありました。\n\n{read}"),
        &format!(
            "このお問い合わせにお心当たりのない場合は、{}({})までご連絡ください。",
            config.coop_name, config.coop_phone
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_name_the_coop_and_the_member_and_say_what_to_do() {
        let config = Config::development().unwrap();
        let to = Recipient {
            email: "taro@example.jp",
            name: "共済太郎",
        };
        let m = password_reset(&config, &to, "http://x/password/reset?token=t", 30);
        assert_eq!(m.to, "taro@example.jp");
        assert_eq!(
            m.subject,
            "【みらい共済生活協同組合】パスワード再設定のご案内"
        );
        assert!(m.body.starts_with("共済太郎様\n"));
        assert!(m.body.contains("http://x/password/reset?token=t"));
        assert!(m.body.contains("30分間"));
        assert!(m.body.contains("お心当たりのない場合"));
        assert!(m.body.contains("0120-123-456"));
    }

    /// A member who cannot log in (stopped, or past the refund date) is never
    /// told to log in; the phone is given instead.
    #[test]
    fn closed_members_are_not_sent_to_my_page() {
        let config = Config::development().unwrap();
        let to = Recipient {
            email: "taro@example.jp",
            name: "共済太郎",
        };
        let facts = ProcedureFacts {
            receipt: "20261207-000001",
            kind: "書類のお取り寄せ",
            summary: "パンフレット",
        };
        for (mail, open) in [
            (procedure_filed(&config, &to, &facts, true, true), true),
            (procedure_filed(&config, &to, &facts, true, false), false),
            (
                procedure_status(&config, &to, &facts, "発送済", &[], None, true),
                true,
            ),
            (
                procedure_status(&config, &to, &facts, "発送済", &[], None, false),
                false,
            ),
            (inquiry_answered(&config, &to, "件名", 7, true), true),
            (inquiry_answered(&config, &to, "件名", 7, false), false),
            (
                service_stopped(&config, &to, "2026/12/7 10:00", false),
                false,
            ),
            (
                service_stopped(&config, &to, "2026/12/7 10:00", true),
                false,
            ),
        ] {
            assert_eq!(
                mail.body.contains("手続き照会") || mail.body.contains("/mypage/inquiries/7"),
                open,
                "{}",
                mail.body
            );
            assert!(!mail.body.contains("ログインしてパスワードを変更") || open);
            if !open {
                assert!(mail.body.contains("0120-123-456"), "{}", mail.body);
            }
        }
        let open = name_changed(&config, &to, "2026/12/7 10:00", true);
        assert!(open.body.contains("マイページと組合員証には"));
        let closed = name_changed(&config, &to, "2026/12/7 10:00", false);
        assert!(
            !closed.body.contains("マイページと組合員証には"),
            "{}",
            closed.body
        );
        let late = withdrawal_recorded(&config, &to, "2026/3/31", "2026/7/31", true);
        assert!(
            late.body.contains("2026/7/31で終了しています"),
            "{}",
            late.body
        );
        let m = temporary_password(&config, &to, "abc", "2026/12/10 10:00");
        assert!(m.body.contains("有効期限:2026/12/10 10:00まで"));
        assert!(m.body.contains("パスワードを忘れた方はこちら"));
    }
}
