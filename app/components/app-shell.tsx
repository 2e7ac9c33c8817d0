import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { can, type Role } from "~/domain/roles";
import { useT } from "~/i18n";

export interface ShellUser {
  name: string;
  roles: Role[];
}

export function AppShell({ children, user }: { children: ReactNode; user?: ShellUser | null }) {
  const t = useT();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              百
            </span>
            <span>
              <span className="brand-name">{t("app.name")}</span>
              <span className="brand-tagline">{t("app.tagline")}</span>
            </span>
          </Link>
          <nav aria-label={t("nav.main")} className="main-nav">
            <NavLink to="/" end>
              {t("nav.home")}
            </NavLink>
            <NavLink to="/showcase">{t("nav.showcase")}</NavLink>
            {user && can(user.roles, "learn") ? <NavLink to="/learn">{t("nav.learn")}</NavLink> : null}
            {user && can(user.roles, "learn") ? <NavLink to="/my-work">{t("nav.myWork")}</NavLink> : null}
            {user && can(user.roles, "grade") ? <NavLink to="/mentor">{t("nav.mentor")}</NavLink> : null}
            {user && can(user.roles, "users.manage") ? <NavLink to="/admin">{t("nav.admin")}</NavLink> : null}
            {user ? (
              <>
                <NavLink to="/profile" className="nav-user">
                  {user.name}
                </NavLink>
                <Form method="post" action="/logout" className="inline-form">
                  <button type="submit" className="link-button">
                    {t("nav.logout")}
                  </button>
                </Form>
              </>
            ) : (
              <NavLink to="/login">{t("nav.login")}</NavLink>
            )}
          </nav>
        </div>
      </header>
      <main id="main" className="container main">
        {children}
      </main>
      <footer className="site-footer">
        <div className="container">{t("footer.text")}</div>
      </footer>
    </>
  );
}
