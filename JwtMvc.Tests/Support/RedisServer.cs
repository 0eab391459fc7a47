using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace JwtMvc.Tests.Support;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, without persistence, which a test can stop and start again
/// on the same port. Without redis-server the calling test is skipped with a message, unless
/// <c>JWTMVC_REQUIRE_REDIS=1</c> (CI), which fails it.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string RequireVariable = "JWTMVC_REQUIRE_REDIS";

    private Process? process;

    private RedisServer(string executable, int port)
    {
        Executable = executable;
        Port = port;
    }

    public string Executable { get; }

    public int Port { get; }

    /// <summary>The <c>Redis:Configuration</c> value that reaches this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => process is { HasExited: false };

    /// <summary>Starts a server, or skips (Assert.Ignore) or fails the calling test when redis-server is missing.</summary>
    public static RedisServer Start()
    {
        var server = Create();
        server.Restart();
        return server;
    }

    /// <summary>A server on a free port, not started yet.</summary>
    public static RedisServer Create()
    {
        var executable = Find();
        if (executable is null)
        {
            const string message = "Redis tests need redis-server (apt-get install -y redis-server); set " + RequireVariable + "=1 to fail instead of skipping.";
            if (Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true")
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        return new RedisServer(executable!, FreePort());
    }

    /// <summary>Starts the server (again) on its port and waits until it accepts connections.</summary>
    public void Restart()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Accepts())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not listen on port {Port}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Kills the server, as a crash would.</summary>
    public void Stop()
    {
        if (process is { } running)
        {
            if (!running.HasExited)
            {
                running.Kill(entireProcessTree: true);
                if (!running.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    throw new InvalidOperationException($"redis-server (pid {running.Id}) did not exit within 10 s of being killed");
                }
            }

            running.Dispose();
            process = null;
        }
    }

    public void Dispose() => Stop();

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
