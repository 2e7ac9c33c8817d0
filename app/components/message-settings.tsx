import { Form } from "@remix-run/react";
import { Field, FormMessage } from "~/components/form";
import { useT, type MessageKey } from "~/i18n";

// The "消息提醒" part of /profile: verify a phone and an address, pick kind × channel, quiet hours.

export interface ContactView {
  channel: "sms" | "email";
  address: string | null;
  verified: boolean;
  available: boolean;
}

export interface ChoiceGroupView {
  group: "decisions" | "certificates" | "mentoring" | "sessions" | "reminders";
  kinds: Array<{ kind: string; label: MessageKey; sms: boolean; email: boolean }>;
}

export type MessagesResult =
  | { intent: "sendCode" | "verifyCode"; channel: string; ok: boolean; message: MessageKey; params?: Record<string, string | number>; code?: string }
  | { intent: "choices"; ok: true }
  | { intent: "quiet"; ok: boolean; values?: { quietOn: boolean; quietStart: string; quietEnd: string } };

export function MessageSettings({
  contacts,
  groups,
  quiet,
  result,
  busy,
}: {
  contacts: ContactView[];
  groups: ChoiceGroupView[];
  quiet: { on: boolean; start: string; end: string };
  result: MessagesResult | undefined;
  busy: boolean;
}) {
  const t = useT();
  const channelName = (c: string) => t(c === "sms" ? "channel.sms" : "channel.email");
  const quietValues = result?.intent === "quiet" && result.values ? { on: result.values.quietOn, start: result.values.quietStart, end: result.values.quietEnd } : quiet;
  return (
    <section className="stack" aria-labelledby="messages-title" id="messages">
      <h2 id="messages-title">{t("messages.title")}</h2>
      <p className="hint">{t("messages.lead")}</p>
      <div className="grid two">
        <div className="card stack">
          <h3 className="card-title">{t("messages.contacts")}</h3>
          {contacts.map((c) => {
            const mine = result && (result.intent === "sendCode" || result.intent === "verifyCode") && result.channel === c.channel ? result : undefined;
            return (
              <div key={c.channel} className="stack">
                <p>
                  <strong>{channelName(c.channel)}</strong>：{c.address ?? t("messages.contact.none")}{" "}
                  {c.address ? <span className={`badge ${c.verified ? "tone-positive" : "tone-warning"}`}>{t(c.verified ? "messages.contact.verified" : "messages.contact.unverified")}</span> : null}
                </p>
                {mine ? <FormMessage kind={mine.ok ? "success" : "error"}>{t(mine.message, mine.params)}</FormMessage> : null}
                {!c.available ? <p className="hint">{t("messages.contact.off")}</p> : null}
                {c.address && !c.verified && c.available ? (
                  <>
                    <Form method="post" noValidate>
                      <input type="hidden" name="channel" value={c.channel} />
                      <button type="submit" name="intent" value="sendCode" className="button secondary" disabled={busy}>
                        {t("messages.sendCode")}
                      </button>
                    </Form>
                    <Form method="post" noValidate className="stack">
                      <input type="hidden" name="channel" value={c.channel} />
                      <Field
                        label={t("messages.code")}
                        name="code"
                        id={`code-${c.channel}`}
                        inputMode="numeric"
                        autoComplete="one-time-code"
                        maxLength={6}
                        hint={t("messages.code.hint")}
                        defaultValue={mine?.intent === "verifyCode" ? mine.code : ""}
                        error={mine?.intent === "verifyCode" && !mine.ok ? t(mine.message) : undefined}
                      />
                      <button type="submit" name="intent" value="verifyCode" className="button" disabled={busy}>
                        {t("messages.verify")}
                      </button>
                    </Form>
                  </>
                ) : null}
              </div>
            );
          })}
        </div>
        <Form method="post" className="card stack" noValidate>
          <h3 className="card-title">{t("messages.quiet")}</h3>
          {result?.intent === "quiet" ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.ok ? "messages.quiet.saved" : "messages.quiet.error")}</FormMessage> : null}
          <p className="hint">{t("messages.quiet.hint")}</p>
          <label className="checkbox">
            <input type="checkbox" name="quietOn" value="on" defaultChecked={quietValues.on} /> {t("messages.quiet.on")}
          </label>
          <div className="grid two">
            <Field label={t("messages.quiet.start")} name="quietStart" type="time" defaultValue={quietValues.start} />
            <Field label={t("messages.quiet.end")} name="quietEnd" type="time" defaultValue={quietValues.end} />
          </div>
          <button type="submit" name="intent" value="quiet" className="button" disabled={busy}>
            {t("messages.save")}
          </button>
        </Form>
      </div>
      <Form method="post" className="card stack" noValidate>
        <h3 className="card-title">{t("messages.choices")}</h3>
        {result?.intent === "choices" ? <FormMessage kind="success">{t("messages.choicesSaved")}</FormMessage> : null}
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">{t("messages.choices.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("messages.col.kind")}</th>
                <th scope="col">{t("messages.inApp")}</th>
                <th scope="col">{t("channel.sms")}</th>
                <th scope="col">{t("channel.email")}</th>
              </tr>
            </thead>
            {groups.map((g) => (
              <tbody key={g.group}>
                <tr>
                  <th scope="rowgroup" colSpan={4}>
                    {t(`messages.group.${g.group}`)}
                  </th>
                </tr>
                {g.kinds.map((k) => (
                  <tr key={k.kind}>
                    <th scope="row">{t(k.label)}</th>
                    <td>{t("messages.always")}</td>
                    {(["sms", "email"] as const).map((ch) => (
                      <td key={ch}>
                        <input type="checkbox" name="on" value={`${k.kind}|${ch}`} defaultChecked={k[ch]} aria-label={`${t(k.label)}：${channelName(ch)}`} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
        <button type="submit" name="intent" value="choices" className="button" disabled={busy}>
          {t("messages.save")}
        </button>
      </Form>
    </section>
  );
}
