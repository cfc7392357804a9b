//! `/staff/imports` (S7, admins): upload the core system's members,
//! course and rider list, contracts, statements, payments or 割戻金 CSV and
//! see the latest uploads; `/staff/imports/:id`: its preview (nothing
//! written yet), 取り込む, the progress, the results and the rejected rows.

use crate::components::{action_error, FormError, StaffError};
use crate::domain::contract_rows::{CATALOGUE_COLUMNS, CONTRACT_COLUMNS};
use crate::domain::member_fields::Field;
use crate::domain::policy::IMPORT_MAX_BYTES;
use crate::domain::statement::{PAYMENT_COLUMNS, REBATE_COLUMNS, STATEMENT_COLUMNS};
use crate::pages::use_id_param;
use crate::staff::{staff_import, staff_imports, ImportView, StaffRunImport};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffImportsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |()| staff_imports());
    let empty = move || use_query_map().read().get("empty").is_some();
    view! {
        <Title text="データ取込" />
        <h1>"データ取込"</h1>
        <section class="card" aria-labelledby="upload-title">
            <h2 id="upload-title">"CSVファイルを選ぶ"</h2>
            <p>
                "基幹システムから書き出したCSV(組合員データ・コース・特約・契約・請求明細・入金・割戻金)を取り込みます。まず内容を確認し、"
                "問題のある行を一覧にします。この段階では何も登録しません。"
            </p>
            // A plain form: the file goes as multipart, the answer is the preview page.
            <form method="post" action="/staff/imports/upload" enctype="multipart/form-data">
                <div class="field">
                    <label for="kind">"データの種類"</label>
                    <select id="kind" name="kind">
                        <option value="members">"組合員データ"</option>
                        <option value="catalogue">"コース・特約"</option>
                        <option value="contracts">"契約"</option>
                        <option value="statements">"請求明細"</option>
                        <option value="payments">"入金"</option>
                        <option value="rebates">"割戻金"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="file">"CSVファイル(UTF-8 または Shift_JIS)"</label>
                    <input id="file" name="file" type="file" accept=".csv,text/csv" required
                        aria-describedby="file-hint" />
                    <p class="hint" id="file-hint">
                        {format!("{} MB まで。それより大きいファイルは、サーバーの import-members / import-catalogue / import-contracts / import-statements / import-payments / import-rebates コマンドで取り込めます。", IMPORT_MAX_BYTES / 1024 / 1024)}
                    </p>
                    {move || empty().then(|| view! {
                        <p class="field-error" role="alert">"ファイルを選んでください。"</p>
                    })}
                </div>
                <button type="submit" class="button">"内容を確認する"</button>
            </form>
            <details>
                <summary>"組合員データの列(1行目は見出し)"</summary>
                <table class="table">
                    <thead><tr><th scope="col">"列名"</th><th scope="col">"必須"</th></tr></thead>
                    <tbody>
                        {Field::ALL.iter().map(|f| view! {
                            <tr><td>{f.column()}</td><td>{if f.required_column() { "必須" } else { "" }}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="hint">
                    "列の順番は問いません。組合員番号が同じ組合員は更新し、新しい番号は追加します。同じファイルをもう一度取り込んでも重複しません。"
                    "JIS X 0208 にない文字(髙・﨑などの異体字や外字)は登録どおりに保存し、マイページでは通常の字体(高・崎など)で表示します。"
                    "マイページで変更された住所・電話番号と、受け付けた改姓は、ファイルに同じ内容が現れるまで上書きせず、警告として一覧に出します(基幹システムへの反映漏れの確認に使えます)。"
                </p>
            </details>
            {[
                ("コース・特約の列", CATALOGUE_COLUMNS.as_slice(), "区分は コース か 特約。コードが同じものは更新し、新しいコードは追加します(ファイルの順が、お申し込み画面の並び順になります)。控除区分は コース だけに書き、一般 か 介護医療(空なら一般)。月掛金を変えると、ご契約内容と、これから発行する掛金払込証明書は新しい月掛金で計算されます。販売は 販売中 か 販売停止(空なら販売中)。販売停止のものはお申し込み画面に出ませんが、ご契約中の方の保障とお手続き中のお申し込みはそのままです。"),
                ("契約の列", CONTRACT_COLUMNS.as_slice(), "1行が、契約のコースまたは特約の保障期間の1つです(保障終了日の前日まで。続いている保障は空)。コース・特約と組合員データを先に取り込んでください。ファイルにある契約は、その保障をファイルの内容で置き換えます(ない契約はそのまま。取り込めない行のあった契約は、その行を除いた内容になるので、直したファイルをもう一度取り込んでください)。脱退が記録された組合員の保障は、ファイルの内容にかかわらず脱退日までです。マイページで承諾した特約追加・コース変更は、基幹システムに反映してから取り込んでください。"),
                ("請求明細の列", STATEMENT_COLUMNS.as_slice(), "1行が明細の1行です。区分は 共済掛金・出資金・購買・その他(共済掛金は契約番号が必須)。締切日(前月20日)と請求日(27日、休業日は翌営業日)は請求月から決まります。同じ請求月をもう一度取り込むと、その組合員のその月の明細を置き換えます(重複しません)。"),
                ("入金の列", PAYMENT_COLUMNS.as_slice(), "入金方法は 口座振替・振込・コンビニ払い・窓口・その他。同じ請求月をもう一度取り込むと、その月の入金を置き換えます。"),
                ("割戻金の列", REBATE_COLUMNS.as_slice(), "割戻率は百分率(3.5 など)。組合員と年度ごとに1行で、同じ年度をもう一度取り込むと置き換えます。"),
            ].into_iter().map(|(title, columns, note)| view! {
                <details>
                    <summary>{title}"(1行目は見出し)"</summary>
                    <table class="table">
                        <thead><tr><th scope="col">"列名"</th><th scope="col">"必須"</th></tr></thead>
                        <tbody>
                            {columns.iter().map(|(name, required)| view! {
                                <tr><td>{*name}</td><td>{if *required { "必須" } else { "" }}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="hint">{note}</p>
                </details>
            }).collect_view()}
        </section>
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"最近の取込"</h2>
            <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) if rows.is_empty() => Either::Left(view! { <p>"まだありません。"</p> }.into_any()),
                        Ok(rows) => Either::Left(view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">"日時"</th>
                                        <th scope="col">"種類"</th>
                                        <th scope="col">"ファイル"</th>
                                        <th scope="col">"行数"</th>
                                        <th scope="col">"状態"</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{r.at}</td>
                                                <td>{r.kind}</td>
                                                <td><A href=format!("/staff/imports/{}", r.id)>{r.file_name}</A></td>
                                                <td>{r.rows}</td>
                                                <td>{r.status}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()),
                        Err(error) => Either::Right(view! { <StaffError error /> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn StaffImportPage() -> impl IntoView {
    let id = use_id_param();
    let run = ServerAction::<StaffRunImport>::new();
    // Moved every two seconds while the import runs, to read its progress.
    let tick = RwSignal::new(0u32);
    let found = Resource::new_blocking(
        move || (id(), run.version().get(), tick.get()),
        |(id, _, _)| staff_import(id),
    );
    view! {
        <Title text="データ取込" />
        <p><A href="/staff/imports">"← 取込の一覧"</A></p>
        // The page keeps showing the last reading while the next one loads.
        <Transition fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(v) => Either::Left(view! { <Import v run tick /> }.into_any()),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Import(v: ImportView, run: ServerAction<StaffRunImport>, tick: RwSignal<u32>) -> impl IntoView {
    let error = action_error(run);
    let id = v.id;
    let previewed = v.status == "previewed";
    let running = v.status == "running";
    let done = v.status == "done";
    let (add, update) = (v.new_label.clone(), v.updated_label.clone());
    if running {
        // In the browser only (effects do not run on the server).
        Effect::new(move || {
            set_timeout(
                move || {
                    // The page may be gone by then.
                    tick.try_update(|n| *n += 1);
                },
                std::time::Duration::from_secs(2),
            );
        });
    }
    view! {
        <h1>{format!("{}の取込", v.kind_label)}</h1>
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">{v.file_name.clone()}</h2>
            <p class="standing"><strong>{v.status_label.clone()}</strong></p>
            <p class="hint">{format!("{} アップロード", v.at)}{(!v.encoding.is_empty()).then(|| format!("・文字コード {}", v.encoding))}</p>
            {v.error.clone().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            {running.then(|| {
                let (done_rows, total) = (v.rows_done, v.rows_total.max(1));
                view! {
                    <label for="progress" role="status">{format!("取込中: {} / {} 行", v.rows_done, v.rows_total)}</label>
                    <progress id="progress" max=total value=done_rows>{format!("{}%", done_rows * 100 / total)}</progress>
                }
            })}
            {(v.error.is_none()).then(|| view! {
                <dl class="import-counts">
                    <dt>"行数"</dt><dd>{v.rows_total}</dd>
                    <dt>{add}</dt><dd>{v.inserted}</dd>
                    <dt>{update}</dt><dd>{v.updated}</dd>
                    <dt>"変更なし"</dt><dd>{v.unchanged}</dd>
                    <dt>"取り込めない行"</dt><dd>{v.rejected}</dd>
                    <dt>"警告のある行(取込対象)"</dt><dd>{v.warnings}</dd>
                </dl>
            })}
            {previewed.then(|| view! {
                <ActionForm action=run>
                    <input type="hidden" name="id" value=id />
                    <p class="hint">"取り込めない行は飛ばします。直したファイルを、あとでもう一度取り込めます。"</p>
                    <button type="submit" class="button" disabled=move || run.pending().get()>
                        "取り込む"
                    </button>
                    <FormError error />
                </ActionForm>
            })}
            {done.then(|| view! { <p role="status">"取込が完了しました。"</p> })}
        </section>
        {(!v.issues.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="issues-title">
                <h2 id="issues-title">"取り込めない行と警告"</h2>
                <p>
                    <a href=format!("/staff/imports/{id}/issues.csv") download="">"一覧をCSVでダウンロード"</a>
                    {v.more_issues.then_some("(この画面には最初の100件を表示しています)")}
                </p>
                <div class="table-wrap">
                    <table class="table import-issues">
                        <thead><tr>
                            <th scope="col">"行"</th>
                            <th scope="col">"列"</th>
                            <th scope="col">"種別"</th>
                            <th scope="col">"内容"</th>
                        </tr></thead>
                        <tbody>
                            {v.issues.into_iter().map(|i| view! {
                                <tr><td>{i.row}</td><td>{i.column}</td><td>{i.kind}</td><td>{i.message}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
    }
}
