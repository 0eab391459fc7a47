using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth;

/// <summary>
/// The key that signs new access tokens and the keys that may still validate one. Two modes:
/// <see cref="Keys.KeyRing"/> (asymmetric keys in the database, the default) and <see cref="SharedSecretKeys"/>
/// (<c>Jwt:SigningKey</c>).
/// </summary>
public abstract class SigningKeys
{
    /// <summary>True for <see cref="SharedSecretKeys"/>: keys come from configuration and cannot be rotated here.</summary>
    public abstract bool FromConfiguration { get; }

    /// <summary>The credentials of the key that signs now. Call <see cref="EnsureFreshAsync"/> first.</summary>
    public abstract SigningCredentials Current { get; }

    /// <summary>Makes the keys current (loads or reloads them when needed); a no-op when nothing can change.</summary>
    public virtual ValueTask EnsureFreshAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// For a token that failed validation: loads the keys again when the token names one not held here (another
    /// instance may have just made it), true when it is held now, so the token is worth validating once more.
    /// </summary>
    public virtual ValueTask<bool> TryLoadKeyOfAsync(string token, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    /// <summary>Tells validation where its keys come from.</summary>
    public abstract void ApplyTo(TokenValidationParameters parameters);
}
