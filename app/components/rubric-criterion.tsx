import { useState, type ReactNode } from "react";
import type { Rubric } from "~/catalog/schema";
import { partialTotal } from "~/domain/grading";
import { useT, type MessageKey } from "~/i18n";

type Criterion = Rubric["criteria"][number];

/** One rubric criterion as a radio group of its levels, with its error; shared by grading and calibration. */
export function RubricCriterion({
  criterion,
  chosen,
  onChoose,
  problem,
  children,
}: {
  criterion: Criterion;
  chosen: string | undefined;
  onChoose: (level: string) => void;
  problem?: string;
  children?: ReactNode;
}) {
  const t = useT();
  const max = Math.max(...criterion.levels.map((l) => l.points));
  return (
    <fieldset className={`field${problem ? " has-error" : ""}`} aria-describedby={problem ? `level-${criterion.id}-error` : undefined}>
      <legend>{t("grading.rubric.criterion", { title: criterion.title, max })}</legend>
      {criterion.levels.map((level, i) => (
        <label key={level.label} className="check block">
          <input
            type="radio"
            id={`level-${criterion.id}-${i}`}
            name={`level.${criterion.id}`}
            value={level.label}
            checked={chosen === level.label}
            onChange={() => onChoose(level.label)}
          />
          <span>
            <strong>{t("grading.rubric.level", { label: level.label, points: level.points })}</strong> {level.descriptor}
          </span>
        </label>
      ))}
      {problem ? (
        <p id={`level-${criterion.id}-error`} className="field-error" role="alert">
          {t(`grading.selection.${problem}` as MessageKey)}
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}

/** The levels chosen on a rubric form so far, with the live total and how many criteria are chosen. */
export function useRubricLevels(rubric: Rubric | null, initial: Record<string, string> = {}) {
  const [levels, setLevels] = useState<Record<string, string>>(initial);
  const choose = (criterionId: string, level: string) => setLevels((prev) => ({ ...prev, [criterionId]: level }));
  return {
    levels,
    choose,
    total: rubric ? partialTotal(rubric, levels) : 0,
    chosen: rubric ? rubric.criteria.filter((c) => levels[c.id]).length : 0,
  };
}
