namespace JwtMvc.Tests.Support;

/// <summary>Holds one request at a chosen point, once armed, until the test releases it.</summary>
public sealed class Pause
{
    private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int armed;

    /// <summary>Completes when a request has reached the point.</summary>
    public Task Paused => paused.Task;

    public void Arm() => Volatile.Write(ref armed, 1);

    public void Release() => released.TrySetResult();

    /// <summary>At the point: the first request to reach it after <see cref="Arm"/> waits for <see cref="Release"/>.</summary>
    public async Task WaitIfArmedAsync()
    {
        if (Interlocked.Exchange(ref armed, 0) == 1)
        {
            paused.TrySetResult();
            await released.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
