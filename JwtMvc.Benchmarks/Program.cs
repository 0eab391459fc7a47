using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using JwtMvc.Benchmarks;

// dotnet run -c Release --project JwtMvc.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project JwtMvc.Benchmarks -- seed-growth --db PATH   (bench/load.sh's growth mode)
// dotnet run -c Release --project JwtMvc.Benchmarks -- count-statements        (SQL statements per rotation)
// dotnet run -c Release --project JwtMvc.Benchmarks -- count-statements --orders (SQL statements per GET /api/orders)
if (args.Length > 0 && args[0] == "seed-growth")
{
    return await GrowthSeeder.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "count-statements")
{
    return await StatementCount.RunAsync(args[1..]);
}

var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return 0;
