//! よくある質問 (M16): every question of both seed FAQs, worded for this co-op and
//! this product, and the search over them. `{coop}`, `{phone}`, `{hours}` and
//! `{fax}` are filled in from the configuration when shown.

pub struct Category {
    /// Anchor on the page.
    pub id: &'static str,
    pub title: &'static str,
    pub items: &'static [Item],
}

pub struct Item {
    pub question: &'static str,
    /// Paragraphs; a line starting with `・` is shown as a list item.
    pub answer: &'static [&'static str],
}

pub const CATEGORIES: &[Category] = &[
    Category {
        id: "usage",
        title: "ご利用について",
        items: &[
            Item {
                question: "マイページを利用するのに手数料はかかりますか?",
                answer: &["マイページご利用の手数料は不要です。インターネット接続費用(通信費用、プロバイダーへの接続費用等)はご利用者様のご負担となります。"],
            },
            Item {
                question: "誰でも利用できるのですか?",
                answer: &["{coop}の組合員(現職・退職)の方がご利用できます。"],
            },
            Item {
                question: "費用はいくらかかりますか?",
                answer: &["登録費用は無料です。ただし回線使用料はご利用者様のご負担となります。"],
            },
            Item {
                question: "マイページではどのような情報が確認できるのか詳しく知りたいです。",
                answer: &[
                    "マイページでは、組合員ご自身が登録している氏名、住所・電話番号等の情報や、ご契約内容、請求明細などを確認することができます。改姓や住所変更をされたときは、マイページの登録内容の変更画面からお手続きいただけます。",
                    "また、マイページからお問い合わせができます。",
                ],
            },
            Item {
                question: "いつから利用できますか?",
                answer: &[
                    "2017年8月15日からログイン登録できます。",
                    "請求明細の閲覧は2017年9月15日以降、9月のご請求分(8月20日締切)から閲覧できます。",
                ],
            },
            Item {
                question: "新規で{coop}に加入申し込みをした場合、いつからマイページが利用できますか?",
                answer: &["出資金のご入金をもって組合員となり、マイページ登録ができるようになります。出資金の入金を確認後、{coop}より登録方法のご案内をお送りいたしますので、登録をお願いいたします。なお、出資金は、毎月末締めで翌月のご請求となります。"],
            },
            Item {
                question: "マイページは、いつでも利用できますか?",
                answer: &["基本的に24時間(無休)ご利用いただけます。ただし、システムメンテナンスのため予告なくサービスを停止する場合がありますので、ご了承ください。"],
            },
            Item {
                question: "複数台のパソコンを利用しますが、マイページの利用申し込みはパソコンごとに必要ですか?",
                answer: &["利用申し込みは1回で完了します。ご利用になるパソコンごとに行う必要はありません。どのパソコンでもログインには同じユーザーID・パスワードを使用します。"],
            },
            Item {
                question: "自宅以外のパソコンからも利用できますか?",
                answer: &["自宅以外のパソコンでご利用することも可能ですが、不特定多数の方が使用するパソコンや他人との共用パソコンでマイページをご利用されることはセキュリティ上お奨めできません。また、セキュリティのかかっていない公衆無線LAN経由のご利用についてもお奨めできません。ご利用者のID・パスワードが他人に盗み取られる可能性があり危険です。"],
            },
            Item {
                question: "1台のパソコンで複数の組合員が利用できますか?",
                answer: &["利用可能です。ただし、ユーザーID・パスワードは組合員様ごとに割り当てられておりますので、個人情報の流出等の事故防止のため、他人に知られないよう管理をお願いします。ご利用後は必ずログアウトしてください。"],
            },
            Item {
                question: "携帯電話やスマートフォンからでも利用できますか?",
                answer: &[
                    "マイページは携帯電話(フィーチャーフォン)には対応しておりません。",
                    "iPhoneやAndroid端末などのスマートフォンをご利用の場合、自動的にスマートフォンに最適化されたサイズのページへ表示変換いたします。また、利用するスマートフォンの端末やブラウザにより、表示や動作が一部異なることがあります。",
                ],
            },
            Item {
                question: "パソコンを新しくしたいのですが、何か手続きが必要ですか?",
                answer: &[
                    "パソコンの入替にあたって、行っていただく操作・手続きはありません。",
                    "ただし、パソコンを廃棄される際は、ユーザーID・パスワードなどのセキュリティ情報をパソコン本体に記録していないか、ご確認ください。",
                ],
            },
            Item {
                question: "マイページを終了するにはどうすればよいですか?",
                answer: &["マイページ上部の「ログアウト」をクリックしてください。"],
            },
            Item {
                question: "マイページ登録をしなくてもデジタル組合員証は利用できますか?また、マイページ利用を中止した場合はどうですか?",
                answer: &["デジタル組合員証はマイページ登録がないと、認証ができずご利用いただけません。また、マイページの利用を中止(サービス停止)した場合も、ご利用いただけなくなります。中止した場合は、スマートフォンのホーム画面に追加したデジタル組合員証を削除してください。"],
            },
            Item {
                question: "マイページで加入・脱退手続きはできますか?",
                answer: &["マイページは組合員様以外はログインできません。生協の加入・脱退は自署での提出が必要のため、「加入申込書」または「脱退届」をご記入のうえ、FAX({fax})へ送信、または郵送でご提出をお願いします。"],
            },
            Item {
                question: "携帯電話(フィーチャーフォン)しか持っていませんが、デジタル組合員証を使うことができますか?",
                answer: &["申し訳ありませんが、デジタル組合員証はスマートフォンでマイページを開いてご利用いただくため、携帯電話(フィーチャーフォン)ではご利用いただけません。"],
            },
            Item {
                question: "勤務先が異動になりました。登録内容の変更画面で入力できますか?",
                answer: &["勤務先の変更は自動受付ができないため、マイページの「連絡・お問い合わせ」よりご連絡ください(お電話でも承ります)。"],
            },
            Item {
                question: "「デジタル組合員証」を利用中ですが、改姓しました。手続きはどうしたら良いですか?",
                answer: &["改姓や住所変更の際は、マイページの登録内容の変更から変更事項を入力して更新してください。{coop}では、いただいた情報をもとにデータ更新を行います。デジタル組合員証の組合員名の表記は、3営業日後を目安として変更いたします。"],
            },
            Item {
                question: "年度末退職に伴って{coop}に脱退届を提出しました。いつまでマイページを利用できますか?",
                answer: &["{coop}では脱退届の受理後、年度末退職の方は7月末に出資金を返還いたします。出資金返還後はマイページの閲覧ができなくなりますので、該当される方は、早めに請求明細の確認をお願いいたします。デジタル組合員証もその時点でご利用いただけなくなりますので、ホーム画面に追加したデジタル組合員証を削除してください。"],
            },
            Item {
                question: "マイページ利用を中止するには、どうすればよいですか?",
                answer: &["マイページのメニュー「ログイン情報の変更」にある「マイページの利用停止」(サービス停止の手続き)をご利用ください。サービスを停止すると、ログインとデジタル組合員証がご利用いただけなくなります。デジタル組合員証をホーム画面に追加している方は、合わせて削除してください。再開をご希望の場合は{coop}へご連絡ください。"],
            },
        ],
    },
    Category {
        id: "login",
        title: "ログイン・ID/パスワードについて",
        items: &[
            Item {
                question: "マイページにログインできない場合はどうすればよいですか?",
                answer: &[
                    "ログインできない場合はいくつかの事由が考えられます。下記の点を再度ご確認ください。",
                    "・ユーザーIDまたはメールアドレスが間違っている。",
                    "・パスワードが間違っている。",
                    "・続けて5回ログインに失敗したため、一時的にロックされている(15分ほどで解除されます)。",
                ],
            },
            Item {
                question: "メールアドレスを忘れた場合はどうすればよいですか?",
                answer: &[
                    "組合員様のメールアドレスにつきましては、個人情報に関連するためご本人様からお電話いただき、ご本人様確認のうえご案内いたします。恐れ入りますが、下記連絡先までお電話でお問い合わせください。",
                    "{coop} {phone}(受付時間 {hours})",
                ],
            },
            Item {
                question: "パスワードを忘れてしまいました。どうすればよいですか?",
                answer: &[
                    "・マイページログイン画面の「パスワードを忘れた方はこちら」をクリックし、ユーザーIDまたはメールアドレスを入力してください。",
                    "・パスワードを再設定するためのURLを記載したメールが、登録されているメールアドレスへ送信されます。",
                    "・メールを開いていただき、記載されているURLにアクセスし、改めて新しいパスワードをご登録ください。",
                    "{coop}から仮パスワードをお送りした場合は、仮パスワードでログインしていただき、新しいパスワードを登録してください。お電話でのパスワードの回答はできませんのでご了承ください。",
                ],
            },
            Item {
                question: "ユーザーIDを変更したいのですが、どうしたらよいですか?",
                answer: &["マイページのメニュー「ログイン情報の変更」から変更できます。変更が終わると、ご登録のメールアドレスにお知らせします。"],
            },
            Item {
                question: "パスワードを変更したいのですが、どうしたらよいですか?",
                answer: &["マイページのメニュー「ログイン情報の変更」から、いまのパスワードを入力して変更できます。変更が終わると、ご登録のメールアドレスにお知らせします。"],
            },
            Item {
                question: "ユーザーID・パスワードを第三者に知られた可能性がありますが、どうすればいいですか?",
                answer: &[
                    "マイページにログインし、ご契約者情報や手続きの照会をご確認いただき、第三者による変更・手続きが行われていないかご確認ください。特に不審な点がなくともID、パスワードを変更してください。",
                    "※ログインできない場合、不審な点、覚えのない変更・手続きがある場合は{coop}({phone})へご連絡ください。",
                ],
            },
            Item {
                question: "自分の設定したパスワードを確認したいので教えてください。",
                answer: &["パスワードの確認はできませんので、パスワード再設定にて新たなパスワードを設定していただき、管理いただきますようお願いいたします。"],
            },
            Item {
                question: "ログイン後、しばらくしてから操作しようとしたら強制的にログアウトさせられました。どうすればよいですか?",
                answer: &["マイページは、操作が一定時間行われなかった場合、障害防止のため自動的に接続を切断する仕組みになっています。引き続きご利用される場合は、お手数ですが再度ログインをしてください。ログインすると、操作していた画面に戻ります。"],
            },
        ],
    },
    Category {
        id: "procedures",
        title: "お手続きについて",
        items: &[
            Item {
                question: "メールアドレスを変更したいのですが、どうしたらよいですか?",
                answer: &["マイページのメニュー「ログイン情報の変更」から変更できます。新しいメールアドレスに届く認証コードを入力すると、変更が完了します。"],
            },
            Item {
                question: "マイページで電話番号の変更はできますか?",
                answer: &["はい。マイページのメニュー「登録内容の変更」から変更できます。"],
            },
            Item {
                question: "氏名や住所の表示が正しい漢字で表示されていません。どうしてですか?",
                answer: &["Web上で表示できる字体には制限があり、すべての漢字が正しく表示できず、場合によっては文字化けしてしまうことがあります。漢字字体が正しく表示できない場合、本サービス上では異なる漢字に置き換えて表示する場合があります。なお、申込書に記載された字体と異なっていても共済契約上は正常にお取り扱いしております。"],
            },
            Item {
                question: "氏名や住所の漢字が登録できません。どうしたらよいですか?",
                answer: &["旧字体等の一部の漢字は、表示や印刷時に文字化けや印字されない場合があるため使用できません。お手数ですが、旧字体は新字体でご入力いただき、該当する文字がない場合は、ひらがなやカタカナでご入力ください。"],
            },
            Item {
                question: "マイページで住所変更をしたいのですが、郵便番号で住所検索しても自分の住所の町名が表示されません。どうしてですか?",
                answer: &["大口事業所個別番号は検索データに含まれておりませんので検索できません。また、一部の郵便番号については複数の町名を持つものがあり、その場合は町名を表示しておりません。検索結果が表示されない場合はお手数ですが、すべての住所をご入力いただきますようお願いいたします。"],
            },
            Item {
                question: "登録内容の変更手続きの途中でブラウザを閉じてしまいました。どうすればいいですか?",
                answer: &["ご契約者情報をご確認いただき、変更されていない場合は再度お手続きをお願いします。なお、登録内容の変更お手続きに関しては入力が完了いたしますとご登録メールアドレスへ手続き完了のメールをお送りしております。"],
            },
            Item {
                question: "特約追加をマイページより申込み、手続き照会の状況は「承諾」となっていますが、追加した特約が表示されません。なぜですか?",
                answer: &["保障開始前の制度は表示されません。保障開始日以降にご確認ください。"],
            },
            Item {
                question: "コースの変更をマイページより申込み、手続き照会の状況は「承諾」となっていますが、変更前のコースで表示されます。なぜですか?",
                answer: &["変更後コースの保障開始日までは変更前コースを表示します。変更後コースの保障開始日以降にご確認ください。"],
            },
            Item {
                question: "書類のお取り寄せ手続きを行いました。どのくらいの期間で届きますか?",
                answer: &["手続き照会の状況が「発送済」に変わった日より、およそ1週間以内にお届けします。ただし、年末年始・長期連休・郵便事情によりさらにお時間をいただく場合がありますのでご了承ください。"],
            },
            Item {
                question: "掛金払込証明書(控除証明書)はいつでも再発行できますか?",
                answer: &[
                    "書面による場合は、いつでも再発行できます。ただし、1月~5月にご依頼の場合は前年の払込証明書、7月~12月にご依頼の場合は当年の払込証明書となります。6月中に対象年が前年から当年に切り替わりますので、6月にご依頼の場合は、申請画面にて対象年をご確認ください。ご希望される対象年が異なる場合は{coop}へご連絡ください。",
                    "電子発行の場合は、当年の払込証明書のみとなり、10月から翌年3月までが交付期間となります。",
                ],
            },
        ],
    },
    Category {
        id: "environment",
        title: "推奨環境について",
        items: &[Item {
            question: "マイページの動作推奨環境はありますか?対応するブラウザについて知りたいです。",
            answer: &[
                "ご利用には以下の環境を推奨しておりますが、パソコン・スマートフォンの機種や設定の差異により特定の環境では不具合や一部制約が生じる可能性があります。",
                "【パソコン】",
                "・Microsoft Edge(最新バージョン)",
                "・Google Chrome(最新バージョン)",
                "・Safari(最新バージョン)",
                "【スマートフォン】",
                "・Android 10以降 Google Chrome(最新バージョン)",
                "・iOS 14以降 Safari(最新バージョン)",
            ],
        }],
    },
    Category {
        id: "security",
        title: "セキュリティについて",
        items: &[Item {
            question: "個人情報の保護についてはどのような対策が取られていますか?",
            answer: &["外部からの侵入や攻撃、システム障害、内部関係者による漏えいなど、考えられるリスクを明確にし、システム面では、通信の暗号化、アクセスログの管理、認証コードの設定、アカウントロックなど様々なセキュリティ対策を施しています。"],
        }],
    },
];

/// Values for the placeholders of the texts above.
pub struct Placeholders<'a> {
    pub coop: &'a str,
    pub phone: &'a str,
    pub hours: &'a str,
    pub fax: &'a str,
}

impl Placeholders<'_> {
    pub fn fill(&self, text: &str) -> String {
        text.replace("{coop}", self.coop)
            .replace("{phone}", self.phone)
            .replace("{hours}", self.hours)
            .replace("{fax}", self.fax)
    }
}

/// Folds what people type differently for the same thing: case, full-width
/// letters and digits, katakana vs hiragana, spaces and `?`.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '?' | '\u{FF1F}'))
        .map(|c| match c {
            // Full-width ASCII block to half-width.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            // Katakana to hiragana (ァ..ヶ → ぁ..ゖ).
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `item` (with placeholders filled) matches every word of `query`.
pub fn matches(question: &str, answer: &[String], query: &str) -> bool {
    let words: Vec<String> = query
        .split(|c: char| c.is_whitespace())
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return true;
    }
    let haystack = fold(&format!("{question}{}", answer.concat()));
    words.iter().all(|w| haystack.contains(w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        CATEGORIES
            .iter()
            .flat_map(|c| c.items)
            .filter(|i| {
                let a: Vec<String> = i.answer.iter().map(|s| s.to_string()).collect();
                matches(i.question, &a, query)
            })
            .count()
    }

    #[test]
    fn holds_every_seed_question() {
        // Seed 000 asks 25 questions, seed 001 asks 17; two are asked by both
        // (forgotten password, recommended environment) and are answered once.
        let total: usize = CATEGORIES.iter().map(|c| c.items.len()).sum();
        assert_eq!(total, 40);
    }

    /// An answer that sends members to a screen names it as the menu does
    /// (`components/member_shell.rs`): the seeds' 「登録内容の変更お手続き画面」
    /// and 「サービス停止手続き」 are not what members find there.
    #[test]
    fn answers_name_screens_as_the_menu_does() {
        use crate::components::{MENU_ACCOUNT, MENU_PROFILE};
        const MENU: [&str; 2] = [MENU_PROFILE, MENU_ACCOUNT];
        for item in CATEGORIES.iter().flat_map(|c| c.items) {
            for answer in item.answer {
                for named in answer.split("メニュー「").skip(1) {
                    let screen = named.split('」').next().unwrap_or_default();
                    assert!(MENU.contains(&screen), "{}: {screen}", item.question);
                }
                assert!(!answer.contains("お手続き画面"), "{answer}");
                assert!(!answer.contains("「サービス停止手続き」"), "{answer}");
            }
        }
    }

    #[test]
    fn search_ignores_kana_kind_width_and_case() {
        assert!(count("パスワード") >= 4);
        assert_eq!(count("パスワード"), count("ぱすわーど"));
        assert_eq!(count("ｉｄ"), count("ID"));
        assert_eq!(count("id"), count("ID"));
    }

    #[test]
    fn every_word_must_match() {
        assert!(count("特約 承諾") >= 1);
        assert_eq!(count("特約 存在しない言葉"), 0);
        assert_eq!(count("   "), 40);
    }

    #[test]
    fn placeholders_are_filled() {
        let p = Placeholders {
            coop: "みらい共済",
            phone: "0120-1",
            hours: "平日",
            fax: "0120-2",
        };
        assert_eq!(
            p.fill("{coop}({phone}) {hours} {fax}"),
            "みらい共済(0120-1) 平日 0120-2"
        );
    }
}
