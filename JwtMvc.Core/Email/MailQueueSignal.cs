namespace JwtMvc.Core.Email;

/// <summary>Wakes this instance's mail delivery when a job is queued, so a mail does not wait for the next poll.</summary>
public sealed class MailQueueSignal
{
    private TaskCompletionSource current = NewSource();

    /// <summary>A task that completes at the next <see cref="Notify"/>; take it before looking at the queue.</summary>
    public Task Next => Volatile.Read(ref current).Task;

    public void Notify() => Interlocked.Exchange(ref current, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
