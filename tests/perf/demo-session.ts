// For benchmarks: a demo trainee's session cookie from the running app, through the sign-in form.
export async function demoTraineeCookie(base: string): Promise<string> {
  const login = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ identifier: "13800000001", password: "baicheng-demo-2026" }),
  });
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`login failed: ${login.status}`);
  return cookie;
}
