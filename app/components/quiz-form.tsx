import { Form, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { FormMessage, revealElement, useRevealError } from "~/components/form";
import { isQuizErrorKey, quizFieldName, type PublicQuestion, type QuizAnswer, type ReviewedQuestion, type QuizErrorKey } from "~/domain/quiz-scoring";
import { useT } from "~/i18n";
import type { QuizSubmitProblem, QuizViewData } from "~/submissions/quiz.server";

export type QuizFormProps = Omit<QuizViewData, "attemptsUsed" | "passMark"> &
  Partial<Pick<QuizViewData, "attemptsUsed" | "passMark">> & {
    /** From a refused submit: message keys by question id, and the raw choices to keep. */
    errors?: Partial<Record<string, QuizErrorKey>>;
    chosen?: Partial<Record<string, string[]>>;
    problem?: QuizSubmitProblem | null;
    /** Alternatively, the action's data as is (what submitQuizAttempt returned, through json()). */
    actionResult?: { ok: boolean; problem?: string; errors?: Partial<Record<string, string>>; chosen?: Partial<Record<string, string[]>> } | null;
  };

const problems: readonly string[] = ["invalid", "notAllowed", "scoring", "passed", "noAttemptsLeft"] satisfies QuizSubmitProblem[];
const isProblem = (value: unknown): value is QuizSubmitProblem => typeof value === "string" && problems.includes(value);

/** The refusal to show: explicit props win; otherwise what the action returned, keeping only known keys. */
function refusal(props: QuizFormProps) {
  const result = props.actionResult && !props.actionResult.ok ? props.actionResult : null;
  const errors: Partial<Record<string, QuizErrorKey>> = props.errors ?? {};
  if (!props.errors && result?.errors) {
    for (const [id, key] of Object.entries(result.errors)) if (isQuizErrorKey(key)) errors[id] = key;
  }
  const problem = props.problem ?? (isProblem(result?.problem) ? result.problem : null);
  return { errors, chosen: props.chosen ?? result?.chosen ?? {}, problem };
}

const pollMs = 1500;
/** Stop polling after this long: the worker may be down, and the page must not poll forever. */
const pollGiveUpMs = 2 * 60 * 1000;
const retakeParam = "retake";

const letter = (i: number) => String.fromCharCode(65 + i);

/** Asks the loader again every 1.5 s while `active`, until it stops being active or we give up. */
function useRevalidateWhile(active: boolean): { gaveUp: boolean } {
  const revalidator = useRevalidator();
  const latest = useRef(revalidator);
  latest.current = revalidator;
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    if (!active) return;
    setGaveUp(false);
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > pollGiveUpMs) {
        clearInterval(timer);
        setGaveUp(true);
        return;
      }
      if (latest.current.state === "idle" && document.visibilityState === "visible") latest.current.revalidate();
    }, pollMs);
    return () => clearInterval(timer);
  }, [active]);
  return { gaveUp };
}

/**
 * A quiz: the questions (without the key) while an attempt is open, "scoring…" while the worker
 * scores it, then the score with the right answers and explanations. Posts `intent=quiz-submit` and
 * `q.<questionId>` fields to the current route.
 */
export function QuizForm(props: QuizFormProps) {
  const { taskId, questions, attempts, attemptLimit, status, canAttempt } = props;
  const { errors, chosen, problem } = refusal(props);
  const t = useT();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const base = `quiz-${taskId}`;
  const scoring = status === "submitted" || status === "resubmitted";
  const attemptsUsed = props.attemptsUsed ?? attempts.length + (scoring ? 1 : 0);
  const latest = scoring ? undefined : attempts.at(-1);
  const errorCount = Object.keys(errors).length;
  // "Try again" asks for the form for the attempt after the one just seen, so an old link never hides a new result.
  const retaking = params.get(retakeParam) === String(attemptsUsed);
  const showForm = canAttempt && !scoring && (!latest || retaking || errorCount > 0);
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "quiz-submit";
  const { gaveUp } = useRevalidateWhile(scoring);

  const formHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (retaking && showForm) formHeading.current?.focus();
  }, [retaking, showForm]);

  const container = useRevealError<HTMLDivElement>(props.actionResult && !props.actionResult.ok ? props.actionResult : null);
  // After a submit the view is at the last question: bring "scoring…" and then the score to the person.
  const statusBox = useRef<HTMLDivElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const submittedHere = useRef(false);
  if (scoring || props.actionResult?.ok) submittedHere.current = true;
  const showingResult = Boolean(latest) && !showForm;
  useEffect(() => {
    if (!submittedHere.current) return;
    const target = showingResult ? resultHeading.current : scoring ? statusBox.current : null;
    if (target) revealElement(target);
  }, [scoring, showingResult, latest?.attempt]);

  const describe = (r: Pick<ReviewedQuestion, "options">, value: QuizAnswer | null): string[] => {
    if (value === null) return [t("quiz.review.none")];
    if (typeof value === "boolean") return [t(value ? "quiz.true" : "quiz.false")];
    return (Array.isArray(value) ? value : [value]).map((i) => `${letter(i)}. ${r.options?.[i] ?? ""}`);
  };
  const lines = (items: string[]) => items.map((line) => <div key={line}>{line}</div>);

  return (
    <div className="quiz stack" id={base} ref={container}>
      <p className="muted">
        {t("quiz.attempts", { used: attemptsUsed, limit: attemptLimit })}
        {props.passMark !== undefined ? ` · ${t("quiz.passMark", { mark: props.passMark })}` : null}
      </p>

      <div role="status" aria-live="polite" ref={statusBox} tabIndex={-1}>
        {scoring ? (
          <FormMessage kind="info">
            <strong>{t("quiz.scoring")}</strong> {gaveUp ? t("quiz.scoring.slow") : t("quiz.scoring.hint")}
          </FormMessage>
        ) : latest && !showForm ? (
          <p className="sr-only">
            {t(latest.passed ? "quiz.result.announcePassed" : "quiz.result.announceNotPassed", { score: latest.score })}
          </p>
        ) : null}
      </div>

      {problem && !(problem === "scoring" && scoring) && !(problem === "invalid" && errorCount > 0) ? (
        <FormMessage kind={problem === "scoring" || problem === "passed" ? "info" : "error"}>
          {t(`quiz.problem.${problem}`, { limit: attemptLimit })}
        </FormMessage>
      ) : null}

      {latest && !showForm ? (
        <section className="card" aria-labelledby={`${base}-result`}>
          <h2 id={`${base}-result`} className="card-title" ref={resultHeading} tabIndex={-1}>
            {t("quiz.result.title", { attempt: latest.attempt })}
          </h2>
          <p>
            <strong className="quiz-score">{t("quiz.result.score", { score: latest.score })}</strong>{" "}
            <span className={`badge${latest.passed ? "" : " warn"}`}>{t(latest.passed ? "quiz.result.passed" : "quiz.result.notPassed")}</span>
          </p>
          <p className="muted">
            {t("quiz.result.summary", {
              right: latest.results.filter((r) => r.correct).length,
              total: latest.results.length,
              mark: props.passMark ?? "—",
            })}
          </p>
          {latest.results.some((r) => r.answer === null) ? <p className="hint">{t("quiz.review.withheld")}</p> : null}
          <ol className="quiz-review">
            {latest.results.map((r) => (
              <li key={r.questionId}>
                <p>
                  <strong>{r.prompt}</strong>{" "}
                  <span className={`badge${r.correct ? "" : " warn"}`}>
                    <span aria-hidden="true">{r.correct ? "✓ " : "✗ "}</span>
                    {t(r.correct ? "quiz.review.correct" : "quiz.review.wrong")}
                  </span>
                </p>
                <dl className="facts">
                  <dt>{t("quiz.review.given")}</dt>
                  <dd>{lines(describe(r, r.given))}</dd>
                  {r.answer !== null ? (
                    <>
                      <dt>{t("quiz.review.answer")}</dt>
                      <dd>{lines(describe(r, r.answer))}</dd>
                    </>
                  ) : null}
                  {r.explanation !== null ? (
                    <>
                      <dt>{t("quiz.review.explanation")}</dt>
                      <dd>{r.explanation}</dd>
                    </>
                  ) : null}
                </dl>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {attempts.length > (latest && !showForm ? 1 : 0) ? (
        <section aria-labelledby={`${base}-history`}>
          <h2 id={`${base}-history`}>{t("quiz.history")}</h2>
          <ul>
            {attempts.map((a) => (
              <li key={a.attempt}>
                {t("quiz.history.item", {
                  attempt: a.attempt,
                  score: a.score,
                  result: t(a.passed ? "quiz.result.passed" : "quiz.result.notPassed"),
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {!scoring && !showForm && status === "passed" ? <FormMessage kind="success">{t("quiz.passedNote")}</FormMessage> : null}
      {!scoring && !showForm && status === "not_passed" && !canAttempt ? (
        <FormMessage kind="info">{t("quiz.noAttemptsLeft", { limit: attemptLimit })}</FormMessage>
      ) : null}
      {!scoring && !showForm && status === "not_passed" && canAttempt ? (
        <Form method="get" preventScrollReset className="actions">
          <input type="hidden" name={retakeParam} value={attemptsUsed} />
          <button type="submit" className="button">
            {t("quiz.retake")}
          </button>
          <span className="hint">{t("quiz.retake.left", { left: Math.max(0, attemptLimit - attemptsUsed) })}</span>
        </Form>
      ) : null}

      {showForm ? (
        <Form method="post" preventScrollReset noValidate className="stack" aria-labelledby={`${base}-form`}>
          <h2 id={`${base}-form`} ref={formHeading} tabIndex={-1}>
            {t("quiz.instructions", { count: questions.length })}
          </h2>
          <input type="hidden" name="intent" value="quiz-submit" />
          {errorCount ? <FormMessage kind="error">{t("quiz.error.summary", { count: errorCount })}</FormMessage> : null}
          {questions.map((q, n) => (
            <QuestionFieldset key={q.id} base={base} question={q} number={n + 1} error={errors[q.id]} chosen={chosen[q.id] ?? []} />
          ))}
          <div className="actions">
            <button type="submit" className="button" disabled={busy} aria-busy={busy}>
              {busy ? t("quiz.submitting") : t("quiz.submit")}
            </button>
          </div>
        </Form>
      ) : null}
    </div>
  );
}

function QuestionFieldset({
  base,
  question: q,
  number,
  error,
  chosen,
}: {
  base: string;
  question: PublicQuestion;
  number: number;
  error: QuizErrorKey | undefined;
  chosen: string[];
}) {
  const t = useT();
  const id = `${base}-${q.id}`;
  const options: Array<{ value: string; label: string }> =
    q.kind === "truefalse"
      ? [
          { value: "true", label: t("quiz.true") },
          { value: "false", label: t("quiz.false") },
        ]
      : (q.options ?? []).map((o, i) => ({ value: String(i), label: `${letter(i)}. ${o}` }));
  return (
    <fieldset className={`field${error ? " has-error" : ""}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        <span className="muted">{t("quiz.question", { n: number })}</span> <span className="badge">{t(`quiz.kind.${q.kind}`)}</span>
        <br />
        {q.prompt}
      </legend>
      <div className={q.kind === "truefalse" ? "checks" : undefined}>
        {options.map((o) => (
          <label key={o.value} className={q.kind === "truefalse" ? "check" : "check block"}>
            <input
              type={q.kind === "multiple" ? "checkbox" : "radio"}
              name={quizFieldName(q.id)}
              value={o.value}
              defaultChecked={chosen.includes(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {t(error)}
        </p>
      ) : null}
    </fieldset>
  );
}
