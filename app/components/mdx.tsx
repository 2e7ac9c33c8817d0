import { createContext, useContext, type ReactNode } from "react";
import type { TaskDefinition } from "~/catalog/schema";
import { useT } from "~/i18n";
import { TaskCard } from "./task-card";

// Components that module authors may use in MDX (content/**/*.mdx). They are rendered on the
// server only (app/catalog/module-html.server.tsx): static HTML, no client-side MDX evaluation.
export interface ModuleContextValue {
  objectives: string[];
  tasks: TaskDefinition[];
}
export const ModuleContext = createContext<ModuleContextValue>({ objectives: [], tasks: [] });

function Objectives() {
  const { objectives } = useContext(ModuleContext);
  const t = useT();
  return (
    <section className="objectives" aria-label={t("learn.module.objectives")}>
      <h2>{t("learn.module.objectives")}</h2>
      <ol>
        {objectives.map((o) => (
          <li key={o}>{o}</li>
        ))}
      </ol>
    </section>
  );
}

function Callout({ type = "note", children }: { type?: "tip" | "note" | "warning" | "crisis"; children: ReactNode }) {
  const t = useT();
  return (
    <aside className={`callout callout-${type}`} role={type === "crisis" || type === "warning" ? "note" : undefined}>
      <strong className="callout-label">{t(`callout.${type}`)}</strong>
      <div>{children}</div>
    </aside>
  );
}

function CaseStudy({ title, children }: { title?: string; children: ReactNode }) {
  const t = useT();
  return (
    <section className="case-study">
      <h3>
        <span className="badge">{t("mdx.case")}</span> {title}
      </h3>
      {children}
    </section>
  );
}

function Reflection({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <aside className="reflection">
      <strong>{t("mdx.reflection")}</strong>
      <div>{children}</div>
    </aside>
  );
}

function Task({ id }: { id: string }) {
  const { tasks } = useContext(ModuleContext);
  const task = tasks.find((x) => x.id === id);
  return task ? <TaskCard task={task} documentHref={`/tasks/${task.id}`} /> : null;
}

function Table(props: JSX.IntrinsicElements["table"]) {
  return (
    <div className="table-wrap">
      <table className="data" {...props} />
    </div>
  );
}

export const mdxComponents = { Objectives, Callout, CaseStudy, Reflection, Task, Quiz: Task, table: Table };
