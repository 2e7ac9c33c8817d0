import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { can, type Role } from "~/domain/roles";
import { useT } from "~/i18n";

export interface ShellUser {
  name: string;
  roles: Role[];
}

/** The bell: "通知" with the unread count, spelled out for screen readers. */
function NotificationsLink({ unread }: { unread: number }) {
  const t = useT();
  const label = unread >= 100 ? t("notif.nav.labelMany") : unread > 0 ? t("notif.nav.label", { count: unread }) : undefined;
  return (
    <NavLink to="/notifications" className="nav-notifications" aria-label={label}>
      <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      <span>{t("notif.title")}</span>
      {unread > 0 ? (
        <span className="count-badge" aria-hidden="true">
          {unread >= 100 ? "99+" : unread}
        </span>
      ) : null}
    </NavLink>
  );
}

/** The places this person can go, and the way out: the same list on a wide screen and in the phone menu. */
function NavItems({ user }: { user?: ShellUser | null }) {
  const t = useT();
  return (
    <>
      <NavLink to="/" end>
        {t("nav.home")}
      </NavLink>
      <NavLink to="/showcase">{t("nav.showcase")}</NavLink>
      {user && can(user.roles, "learn") ? <NavLink to="/learn">{t("nav.learn")}</NavLink> : null}
      {user && can(user.roles, "learn") ? <NavLink to="/my-work">{t("nav.myWork")}</NavLink> : null}
      {user && can(user.roles, "learn") ? <NavLink to="/sessions">{t("nav.sessions")}</NavLink> : null}
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
    </>
  );
}

/**
 * The phone menu: a <details> disclosure, so it opens with a tap before the page's JavaScript has
 * arrived on a slow line; it closes again after each navigation.
 */
function PhoneMenu({ user }: { user?: ShellUser | null }) {
  const t = useT();
  const menu = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [location.key]);
  return (
    <details className="phone-menu" ref={menu}>
      <summary>
        <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
          <path d="M4 6h16M4 12h16M4 18h16" />
        </svg>
        <span>{t("nav.menu")}</span>
      </summary>
      <nav aria-label={t("nav.main")} className="phone-nav">
        <NavItems user={user} />
      </nav>
    </details>
  );
}

export function AppShell({ children, user, unreadNotifications = 0 }: { children: ReactNode; user?: ShellUser | null; unreadNotifications?: number }) {
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
          <div className="header-actions">
            {user ? <NotificationsLink unread={unreadNotifications} /> : null}
            <nav aria-label={t("nav.main")} className="main-nav">
              <NavItems user={user} />
            </nav>
            <PhoneMenu user={user} />
          </div>
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
