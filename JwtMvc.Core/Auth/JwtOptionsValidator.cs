using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>Checks what data annotations cannot: that the keys are base64 and long enough.</summary>
internal sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var failures = new List<string>();
        CheckKey(options.SigningKey, "Jwt:SigningKey", failures);
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
