using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace JwtMvc.Tests.Support;

/// <summary>
/// A real SMTP server on 127.0.0.1 (a free port), in this process (the SmtpServer package): the app's MailKit
/// client talks SMTP to it, and every message it accepts is parsed with MimeKit and kept for the test. It can
/// be stopped and started again on the same port to play a mail server that is down.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> messages = new();
    private readonly SemaphoreSlim arrived = new(0);
    private CancellationTokenSource? running;
    private Task? serverTask;

    private SmtpTestServer(int port) => Port = port;

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Messages => [.. messages];

    /// <summary>The app settings that send mail here.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:Security"] = "None",
        ["Email:From"] = "JwtMvc Tests <no-reply@jwtmvc.test>",
    };

    public static SmtpTestServer Start()
    {
        var server = new SmtpTestServer(FreePort());
        server.Resume();
        return server;
    }

    /// <summary>Starts listening (again).</summary>
    public void Resume()
    {
        if (running is not null)
        {
            return;
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.jwtmvc.test")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        var server = new SmtpServer.SmtpServer(options, services);
        running = new CancellationTokenSource();
        serverTask = server.StartAsync(running.Token);
    }

    /// <summary>Stops listening: connections are refused until <see cref="Resume"/>.</summary>
    public async Task StopAsync()
    {
        if (running is null)
        {
            return;
        }

        await running.CancelAsync();
        try
        {
            await serverTask!;
        }
        catch (OperationCanceledException)
        {
        }

        running.Dispose();
        running = null;
    }

    /// <summary>The first message (received so far or later) to <paramref name="address"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(string address, string subject, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (Find(address, subject) is { } found)
            {
                return found;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no mail to {address} with subject containing '{subject}' arrived; received: "
                    + string.Join("; ", messages.Select(m => $"{m.To} '{m.Subject}'")));
                throw;
            }
        }
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        [.. messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))];

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        arrived.Dispose();
    }

    /// <summary>The line of the text part that starts with <paramref name="baseUrl"/>: the mail's link.</summary>
    public static string LinkIn(MimeMessage message, string baseUrl)
    {
        var text = message.TextBody ?? "";
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(baseUrl, StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, $"the text part must hold a link starting with {baseUrl} on a line of its own:\n{text}");
        return line!;
    }

    private MimeMessage? Find(string address, string subject) =>
        To(address).FirstOrDefault(m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(SmtpTestServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            owner.messages.Enqueue(message);
            owner.arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}
