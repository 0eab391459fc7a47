namespace JwtMvc.Tests.Support;

/// <summary>
/// A slow client mid-file: gives its first <c>holdAt</c> bytes, then waits for <see cref="Release"/> before the rest.
/// </summary>
public sealed class HeldStream(byte[] content, int holdAt) : MemoryStream(content)
{
    private readonly TaskCompletionSource holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The reader has had the first bytes and waits for the rest.</summary>
    public Task Holding => holding.Task;

    public void Release() => released.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Position == holdAt)
        {
            holding.TrySetResult();
            await released.Task.WaitAsync(cancellationToken);
        }

        var count = Position < holdAt ? Math.Min(buffer.Length, holdAt - (int)Position) : buffer.Length;
        return await base.ReadAsync(buffer[..count], cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
