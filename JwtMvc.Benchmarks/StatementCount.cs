using System.Diagnostics;
using System.Runtime.CompilerServices;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Orders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Benchmarks;

/// <summary>
/// <c>dotnet JwtMvc.Benchmarks.dll count-statements [--rotations N]</c>: what one operation costs the database,
/// counted, not timed (deterministic on a busy machine): EF commands and connection opens (EF's diagnostic events)
/// and every statement SQLite itself runs (<c>sqlite3_trace</c> on each connection handle: PRAGMAs, BEGIN and COMMIT
/// included). Prints the statements of one successful rotation, of a session start, and the counts. With
/// <c>--time N</c> nothing is traced and N rotations report process CPU, wall time and allocations per rotation.
/// </summary>
internal static class StatementCount
{
    private static readonly ClientInfo Client = new("127.0.0.1", "JwtMvc.Benchmarks");

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--prepare")
        {
            return await PrepareAsync(args[1]);
        }

        if (args.Length >= 1 && args[0] == "--orders")
        {
            return await OrdersAsync(args.Length >= 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
        }

        var rotations = args.Length >= 2 && args[0] is "--rotations" or "--time" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;
        var timeOnly = args.Length >= 1 && args[0] == "--time"; // no tracing: the CPU and allocations of the rotations alone
        var counter = new Counter();
        using var subscription = timeOnly ? null : DiagnosticListener.AllListeners.Subscribe(counter);
        await using var services = await BenchmarkServices.CreateAsync();
        var user = await services.SeededUserAsync();

        var token = await StartAsync(services, user);
        for (var i = 0; i < 5; i++)
        {
            token = await RotateAsync(services, token); // warm: the connection pool holds traced handles from here on
        }

        counter.Reset(record: true);
        token = await RotateAsync(services, token);
        Print("one rotation (RefreshAsync, success)", counter);

        counter.Reset(record: true);
        await StartAsync(services, user);
        Print("one session start (StartSessionAsync)", counter);

        counter.Reset(record: false);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < rotations; i++)
        {
            token = await RotateAsync(services, token);
        }

        wall.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        Console.WriteLine($"per rotation over {rotations}: {Per(counter.EfCommands, rotations)} EF commands, {Per(counter.Opens, rotations)} connection opens, "
            + $"{Per(counter.Transactions, rotations)} transactions, {Per(counter.SqliteStatements, rotations)} SQLite statements; "
            + $"process CPU {cpu.TotalMicroseconds / rotations:0} us, wall {wall.Elapsed.TotalMicroseconds / rotations:0} us, allocated {allocated / 1024.0 / rotations:0.0} KB "
            + (timeOnly ? "(one after another; process CPU includes background threads)" : "(with tracing: use --time N for CPU)"));
        return 0;
    }

    /// <summary>
    /// <c>count-statements --prepare DBPATH</c>: the database preparation of a start (migrate when asked, seed) on the
    /// file at DBPATH, in this fresh process: statements and process CPU. Run it once to create the file, then again.
    /// </summary>
    public static async Task<int> PrepareAsync(string path)
    {
        var counter = new Counter();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(counter);
        counter.Reset(record: false);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await using var services = await BenchmarkServices.CreateAsync(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = "Data Source=" + path });
        wall.Stop();
        process.Refresh();
        Console.WriteLine($"services + PrepareAsync on {path}: {counter.EfCommands} EF commands, {counter.Opens} connection opens, {counter.SqliteStatements} SQLite statements (after the first open); "
            + $"process CPU {(process.TotalProcessorTime - cpuBefore).TotalMilliseconds:0} ms, wall {wall.Elapsed.TotalMilliseconds:0} ms");
        return 0;
    }

    /// <summary>
    /// <c>count-statements --orders [N]</c>: GET /api/orders' query (<see cref="OrderService.ListOwnAsync"/>) for a user
    /// with 5 orders: the statements of the default page (one page holds them all), of a full page (pageSize 5) and of a
    /// page past the end, then N default pages untraced: process CPU, wall time and allocations per list.
    /// </summary>
    public static async Task<int> OrdersAsync(int lists)
    {
        var counter = new Counter();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(counter);
        await using var services = await BenchmarkServices.CreateAsync();
        var user = await services.SeededUserAsync();
        await using (var scope = services.NewScope())
        {
            var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
            var product = (await orders.ListProductsAsync(CancellationToken.None))[0]; // the catalogue is seeded in every environment
            for (var i = 0; i < 5; i++)
            {
                await orders.PlaceAsync(user.Id, [new OrderItemRequest(product.Id, i + 1)], CancellationToken.None);
            }
        }

        for (var i = 0; i < 5; i++)
        {
            await ListAsync(services, user, 1, OrderListQuery.DefaultPageSize); // warm
        }

        foreach (var (title, page, pageSize) in new[] { ("default page (page 1 of 20, 5 orders)", 1, OrderListQuery.DefaultPageSize), ("a full page (pageSize 5)", 1, 5), ("a page past the end (page 2 of 5)", 2, 5) })
        {
            counter.Reset(record: true);
            await ListAsync(services, user, page, pageSize);
            Print("GET /api/orders, " + title, counter);
        }

        subscription.Dispose();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < lists; i++)
        {
            await ListAsync(services, user, 1, OrderListQuery.DefaultPageSize);
        }

        wall.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        Console.WriteLine($"per default page over {lists} (one after another, a request scope each): process CPU {(process.TotalProcessorTime - cpuBefore).TotalMicroseconds / lists:0} us, "
            + $"wall {wall.Elapsed.TotalMicroseconds / lists:0} us, allocated {allocated / 1024.0 / lists:0.0} KB");
        return 0;
    }

    private static async Task ListAsync(BenchmarkServices services, AuthUser user, int page, int pageSize)
    {
        await using var scope = services.NewScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderService>().ListOwnAsync(user.Id, page, pageSize, null, CancellationToken.None);
        if (result is not ListOrdersResult.Listed { Page.TotalCount: 5 })
        {
            throw new InvalidOperationException("The list is not the 5 orders placed: " + result);
        }
    }

    private static string Per(int count, int operations) => (count / (double)operations).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static void Print(string title, Counter counter)
    {
        Console.WriteLine($"== {title}: {counter.EfCommands} EF commands, {counter.Opens} connection opens, {counter.Transactions} transactions, {counter.SqliteStatements} SQLite statements");
        foreach (var line in counter.Recorded)
        {
            Console.WriteLine("   " + line);
        }

        Console.WriteLine();
    }

    private static async Task<string> StartAsync(BenchmarkServices services, AuthUser user)
    {
        await using var scope = services.NewScope();
        return (await services.StartSessionAsync(scope, user, Client)).RefreshToken;
    }

    private static async Task<string> RotateAsync(BenchmarkServices services, string refreshToken)
    {
        await using var scope = services.NewScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<TokenService>().RefreshAsync(refreshToken, Client, CancellationToken.None);
        return outcome is RefreshOutcome.Success success
            ? success.Tokens.RefreshToken
            : throw new InvalidOperationException("A fresh refresh token was refused: " + outcome);
    }

    private sealed class Counter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> traced = [];
        private readonly Lock gate = new();
        private bool record;

        public int EfCommands { get; private set; }

        public int Opens { get; private set; }

        public int Transactions { get; private set; }

        public int SqliteStatements { get; private set; }

        public List<string> Recorded { get; } = [];

        public void Reset(bool record)
        {
            lock (gate)
            {
                EfCommands = Opens = Transactions = SqliteStatements = 0;
                Recorded.Clear();
                this.record = record;
            }
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                value.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            lock (gate)
            {
                if (value.Key == RelationalEventId.CommandExecuting.Name)
                {
                    EfCommands++;
                }
                else if (value.Key == RelationalEventId.ConnectionOpened.Name && value.Value is ConnectionEndEventData opened)
                {
                    Opens++;
                    if (record)
                    {
                        Recorded.Add("(connection opened)");
                    }

                    Trace(opened.Connection);
                }
                else if (value.Key == RelationalEventId.TransactionStarted.Name)
                {
                    Transactions++;
                }
            }
        }

        private void Trace(System.Data.Common.DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } handle } && !traced.TryGetValue(handle, out _))
            {
                traced.Add(handle, this);
                SQLitePCL.raw.sqlite3_trace(handle, (_, statement) =>
                {
                    lock (gate)
                    {
                        SqliteStatements++;
                        if (record)
                        {
                            Recorded.Add(string.Join(' ', statement.utf8_to_string().Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim())));
                        }
                    }
                }, null);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
