// The catalogue's fixed ids, without zod: pages import these, and the browser must not download a validator for them.

export const trackIds = ["campus", "community"] as const;
export type TrackId = (typeof trackIds)[number];
export const tierIds = ["foundation", "practitioner", "specialist", "supervisor"] as const;
export type TierId = (typeof tierIds)[number];
export const themeIds = ["promotion", "crisis", "career", "family"] as const;
export type ThemeId = (typeof themeIds)[number];
export const audienceTypes = [
  "students",
  "parents",
  "teachers",
  "residents",
  "elderly",
  "children",
  "volunteers",
  "social_workers",
  "colleagues",
  "other",
] as const;
export type AudienceType = (typeof audienceTypes)[number];
