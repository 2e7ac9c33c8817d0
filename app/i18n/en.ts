import type { MessageKey } from "./zh-CN";

// English: the fallback for any key a Chinese string is missing for, and for English readers.
export const en: Record<MessageKey, string> = {
  "app.name": "Baicheng LMS",
  "app.tagline": "Heart Care · into a Hundred Cities — talent-training platform",
  "nav.home": "Home",
  "nav.main": "Main navigation",
  "nav.skip": "Skip to main content",
  "footer.text": "Heart Care · into a Hundred Cities public-welfare programme · talent-training platform",
  "home.title": "Baicheng LMS: service ability for every mental-health worker, quickly",
  "home.lead":
    "Baicheng LMS is the talent-training platform of the Heart Care programme. Real work is the coursework: trainees run mental-health activities in schools and communities, submit evidence, expert mentors grade it against rubrics, and each tier ends in a certificate.",
  "home.tracks": "Two tracks",
  "home.tiers": "Four training tiers",
  "home.tiers.lead": "From foundation to supervision, each tier ends in a certificate.",
  "home.targets": "The 100/1,000/10,000 targets",
  "home.targets.lead": "Targets per region, track and programme year, computed from approved field work.",
  "home.themes": "Four service themes",
  "home.year": "Year {year}",
  "home.certificate": "Certificate: {title}",
  "theme.promotion": "Mental-health promotion",
  "theme.crisis": "Crisis intervention",
  "theme.career": "Career planning",
  "theme.family": "Family education",
  "error.notFound.title": "Page not found",
  "error.notFound.body": "The page you asked for does not exist or has moved.",
  "error.forbidden.title": "Access denied",
  "error.generic.title": "Sorry, something went wrong",
  "error.generic.body": "We could not complete your request. Please try again later; if it persists, contact the programme administrator.",
  "error.backHome": "Back to home",
};
