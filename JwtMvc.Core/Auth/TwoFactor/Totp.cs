using System.Buffers.Binary;
using System.Security.Cryptography;

namespace JwtMvc.Core.Auth.TwoFactor;

/// <summary>RFC 6238 time-based one-time passwords as authenticator apps compute them: HMAC-SHA-1, 6 digits, 30 s steps.</summary>
public static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>How many steps before and after the current one a code may come from (clock drift between phone and server).</summary>
    public const int AllowedDriftSteps = 1;

    public static long TimeStep(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for <paramref name="timeStep"/> (RFC 4226 dynamic truncation), zero-padded.</summary>
    public static string Compute(ReadOnlySpan<byte> key, long timeStep)
    {
        Span<byte> counter = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(counter, timeStep);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Exactly six ASCII digits.</summary>
    public static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? code) => code is { Length: Digits } && code.All(char.IsAsciiDigit);

    /// <summary>
    /// The time step whose code <paramref name="code"/> is, within <see cref="AllowedDriftSteps"/> of
    /// <paramref name="now"/>, or null. The comparison does not stop at the first differing digit.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string code, DateTimeOffset now)
    {
        if (!IsWellFormed(code))
        {
            return null;
        }

        var current = TimeStep(now);
        long? matched = null;
        for (var step = current - AllowedDriftSteps; step <= current + AllowedDriftSteps; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(Compute(key, step)), System.Text.Encoding.ASCII.GetBytes(code)))
            {
                matched ??= step;
            }
        }

        return matched;
    }
}
