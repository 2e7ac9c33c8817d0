// Password policy (NIST 800-63B style): length, not a known-common password, nothing else.
export const passwordMinLength = 8;
export const passwordMaxLength = 128;

// The most common passwords in leaked Chinese and international lists; refused outright.
const common = new Set(
  `123456 12345678 123456789 1234567890 111111 11111111 000000 00000000 88888888 66666666 666666 888888
  5201314 52013140 1314520 woaini woaini1314 woaini520 iloveyou password password1 passw0rd qwerty qwertyuiop
  qwerty123 abc123 abc12345 abcd1234 a123456 a12345678 aa123456 qq123456 qq5201314 123123 123123123 123321
  1qaz2wsx 1q2w3e4r 1q2w3e4r5t zxcvbnm asdfghjkl admin admin123 administrator root123 12341234 11223344
  147258369 159357 987654321 654321 7758521 112233 123qwe 123abc iloveyou1 welcome welcome1 letmein
  baicheng baicheng123 xinguanai 12345qwert qwe123456 woshishui nihao123 zhang123 wang1234 li123456
  sunshine monkey dragon football baseball superman 1234qwer asd123456 aaaaaaaa abcdefgh`.split(/\s+/),
);

export type PasswordProblem = "tooShort" | "tooLong" | "common" | "sameAsContact";

export function checkPassword(password: string, contact: { phone?: string | null; email?: string | null } = {}): PasswordProblem | null {
  const length = [...password].length;
  if (length < passwordMinLength) return "tooShort";
  if (length > passwordMaxLength) return "tooLong";
  const lower = password.toLowerCase();
  if (common.has(lower) || /^(.)\1+$/.test(password)) return "common";
  if (contact.phone && lower.includes(contact.phone)) return "sameAsContact";
  if (contact.email && lower === contact.email.toLowerCase()) return "sameAsContact";
  return null;
}
