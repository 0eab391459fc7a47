using JwtMvc.Data;
using Microsoft.AspNetCore.Identity;

namespace JwtMvc.Tests.Support;

/// <summary>Identity's hasher, which can hold the next hash, or the next password check, until released.</summary>
public sealed class PausingPasswordHasher : IPasswordHasher<AppUser>, IDisposable
{
    private readonly PasswordHasher<AppUser> inner = new();
    private readonly ManualResetEventSlim released = new(initialState: true);
    private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int pauseHash;
    private int pauseCheck;

    /// <summary>Completes when the paused hash or check has begun.</summary>
    public Task Paused => paused.Task;

    public void PauseNextHash()
    {
        released.Reset();
        Volatile.Write(ref pauseHash, 1);
    }

    public void PauseNextCheck()
    {
        released.Reset();
        Volatile.Write(ref pauseCheck, 1);
    }

    public void Resume() => released.Set();

    public string HashPassword(AppUser user, string password)
    {
        WaitIfPaused(ref pauseHash);
        return inner.HashPassword(user, password);
    }

    public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
    {
        WaitIfPaused(ref pauseCheck);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }

    public void Dispose() => released.Dispose();

    private void WaitIfPaused(ref int pause)
    {
        if (Interlocked.Exchange(ref pause, 0) == 1)
        {
            paused.TrySetResult();
            released.Wait(TimeSpan.FromSeconds(30));
        }
    }
}
