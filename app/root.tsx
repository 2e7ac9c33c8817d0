import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { AppShell } from "./components/app-shell";
import { ErrorPage } from "./components/error-page";
import { useNonce } from "./components/nonce";
import { shellData } from "./runtime/page-state.server";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  // Installable on a phone's home screen (decision 025).
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "apple-touch-icon", href: "/icons/apple-touch-icon.png" },
];

export const meta: MetaFunction = () => [
  { title: "百城学堂 · 心关爱·进百城人才培养平台" },
  { name: "description", content: "心关爱·进百城公益项目的人才培养平台：课程、实践任务、导师评阅与证书。" },
  { name: "theme-color", content: "#0f6b5c" },
];

// Public: tells the shell who is signed in (name and roles only) and how many notifications they have unread.
export async function loader({ context }: LoaderFunctionArgs) {
  // The edge may have computed it already, for a page rendered once per state (decision 031).
  return json(context.pageState?.root ?? (await shellData(context)));
}

export function useSignedInUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}

/** Unread notifications of the signed-in user, counted up to 100 (shown as "99+"). */
export function useUnreadNotifications(): number {
  return useRouteLoaderData<typeof loader>("root")?.unreadNotifications ?? 0;
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const user = useSignedInUser();
  const unread = useUnreadNotifications();
  const userId = user?.id ?? null;
  // Offline support (service worker, queued uploads) loads after the page, in its own small chunk.
  useEffect(() => {
    void import("./offline/register").then((offline) => offline.startOffline(userId)).catch(() => undefined);
  }, [userId]);
  return (
    <AppShell user={user} unreadNotifications={unread}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const user = useSignedInUser();
  const unread = useUnreadNotifications();
  return (
    <AppShell user={user} unreadNotifications={unread}>
      <ErrorPage error={error} />
    </AppShell>
  );
}
