/**
 * Signing in, apart from any socket: {@link chat.gateway.auth.PasswordHasher} makes and checks Argon2id password
 * hashes, so that only a hash leaves the gateway, and {@link chat.gateway.auth.SignInThrottle} slows password
 * guessing per account and per address, and {@link chat.gateway.auth.TokenVerifier} checks the JSON Web Tokens of
 * single sign-on. Each class is thread-safe and is given its randomness, time and keys, so its rules
 * are tested without waiting. See "Passwords, guessing and tokens" in docs/ARCHITECTURE.md.
 */
package chat.gateway.auth;
