using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Checks what data annotations cannot: that a configured key is base64 and long enough, that the key ring's
/// algorithm is one it can make, that its schedule announces a key before the current one retires, and that the rotation
/// limit lets a session live out its lifetime.
/// </summary>
internal sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var failures = new List<string>();
        if (options.UsesSharedSecret)
        {
            CheckKey(options.SigningKey, "Jwt:SigningKey", failures);
        }
        else
        {
            if (options.Algorithm is not (JwtOptions.EcdsaAlgorithm or JwtOptions.RsaAlgorithm))
            {
                failures.Add($"Jwt:Algorithm must be {JwtOptions.EcdsaAlgorithm} or {JwtOptions.RsaAlgorithm} (HS256 is used by setting Jwt:SigningKey).");
            }

            // Data annotations do not reach into the nested section.
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(options.KeyRing, new ValidationContext(options.KeyRing), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => r.ErrorMessage!)); // each names its setting
            }
            else if (options.KeyRing.AnnounceLead >= options.KeyRing.RotationPeriod)
            {
                failures.Add("Jwt:KeyRing:AnnounceHours must be shorter than Jwt:KeyRing:RotationDays.");
            }
        }

        if (options.MaxRotationsPerSession is { } rotations && rotations < options.FewestRotationsAllowed)
        {
            failures.Add($"Jwt:MaxRotationsPerSession ({rotations}) must allow two rotations per access token for a whole session: "
                + $"at least {options.FewestRotationsAllowed} with Jwt:AccessTokenMinutes={options.AccessTokenMinutes} and Jwt:RefreshTokenDays={options.RefreshTokenDays}. "
                + "Leave it unset for the default.");
        }

        for (var i = 0; i < options.PreviousKeys.Count; i++)
        {
            CheckKey(options.PreviousKeys[i].Key, $"Jwt:PreviousKeys:{i}:Key", failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckKey(string? key, string setting, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            failures.Add($"{setting} is missing. Set it to a base64 key of at least 256 bits (32 random bytes), "
                + "e.g. with 'dotnet user-secrets set Jwt:SigningKey <key>' or the environment variable Jwt__SigningKey.");
            return;
        }

        var bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, bytes, out var length))
        {
            failures.Add($"{setting} is not valid base64.");
        }
        else if (length < JwtOptions.MinimumKeyBytes)
        {
            failures.Add($"{setting} must be at least 256 bits (32 bytes); it has {length * 8} bits.");
        }
    }
}
