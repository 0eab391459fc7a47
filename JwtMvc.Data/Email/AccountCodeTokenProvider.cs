using System.Security.Cryptography;
using System.Text;

using JwtMvc.Core.Accounts;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace JwtMvc.Data.Email;

/// <summary>
/// The codes in account mails (email confirmation, password reset, email change): Identity's
/// DataProtectorTokenProvider format (creation time, user id, purpose, security stamp, protected with Data
/// Protection), but timed with <see cref="TimeProvider"/>, which the framework's provider does not read, and
/// with a lifespan per purpose: <c>Accounts:ResetCodeMinutes</c> for a reset, <c>ConfirmationCodeHours</c>
/// otherwise. Base64url, so it travels in a link as it is. The stamp makes a reset or email-change code work
/// once: using it changes the stamp.
/// </summary>
internal sealed class AccountCodeTokenProvider(IDataProtectionProvider dataProtection, IOptions<AccountEmailOptions> options, TimeProvider clock)
    : IUserTwoFactorTokenProvider<AppUser>
{
    public const string Name = "JwtMvcAccountCodes";

    private readonly IDataProtector protector = dataProtection.CreateProtector("JwtMvc.AccountCodes");

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) => Task.FromResult(false);

    public async Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(clock.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose ?? "");
            writer.Write(await manager.GetSecurityStampAsync(user) ?? "");
        }

        return WebEncoders.Base64UrlEncode(protector.Protect(buffer.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        try
        {
            var payload = protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            var createdAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var tokenPurpose = reader.ReadString();
            var stamp = reader.ReadString();
            if (reader.PeekChar() != -1)
            {
                return false;
            }

            var now = clock.GetUtcNow();
            return createdAt <= now
                && now < createdAt + LifespanOf(purpose)
                && string.Equals(userId, await manager.GetUserIdAsync(user), StringComparison.Ordinal)
                && string.Equals(tokenPurpose, purpose, StringComparison.Ordinal)
                && string.Equals(stamp, await manager.GetSecurityStampAsync(user) ?? "", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or EndOfStreamException or ArgumentException)
        {
            return false;
        }
    }

    private TimeSpan LifespanOf(string purpose) => string.Equals(purpose, UserManager<AppUser>.ResetPasswordTokenPurpose, StringComparison.Ordinal)
        ? TimeSpan.FromMinutes(options.Value.ResetCodeMinutes)
        : TimeSpan.FromHours(options.Value.ConfirmationCodeHours);
}
