using System.Reflection;
using System.Text.RegularExpressions;

using JwtMvc.Data.Providers;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// EF Core uses the compiled model in JwtMvc.Data/CompiledModels instead of building the model on every start
/// (docs/PERFORMANCE.md). A compiled model is generated code: after a change to an entity or its configuration it
/// must be generated again, or the app would run on the old model. These tests generate it afresh, in memory, the
/// way <c>dotnet ef dbcontext optimize</c> does, and compare it with the files in the repository.
/// </summary>
[TestFixture]
public sealed partial class CompiledModelTests
{
    [Test]
    public void The_running_contexts_use_the_compiled_models()
    {
        using var sqlite = CreateContext(typeof(SqliteAppDbContext));
        using var sqlServer = CreateContext(typeof(SqlServerAppDbContext));

        Assert.Multiple(() =>
        {
            Assert.That(sqlite.Model.GetType().Namespace, Is.EqualTo("JwtMvc.Data.CompiledModels.Sqlite"));
            Assert.That(sqlServer.Model.GetType().Namespace, Is.EqualTo("JwtMvc.Data.CompiledModels.SqlServer"));
        });
    }

    [TestCase(typeof(SqliteAppDbContext), "Sqlite")]
    [TestCase(typeof(SqlServerAppDbContext), "SqlServer")]
    public void The_compiled_model_in_the_repository_is_the_one_the_model_builds_today(Type contextType, string provider)
    {
        // Arrange
        var folder = Path.Combine(Repository.Root, "JwtMvc.Data", "CompiledModels", provider);
        var scratch = Directory.CreateTempSubdirectory("jwtmvc-compiled-model-");
        try
        {
            using var context = CreateContext(contextType);

            // Act
            var generated = Scaffold(context, $"JwtMvc.Data.CompiledModels.{provider}", scratch.FullName);

            // Assert
            var regenerate = $"regenerate it: dotnet ef dbcontext optimize -p JwtMvc.Data -s JwtMvc.Data -c {contextType.Name} "
                + $"-o CompiledModels/{provider} -n JwtMvc.Data.CompiledModels.{provider} (README)";
            var expected = generated.Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var present = Directory.GetFiles(folder, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.That(present, Is.EqualTo(expected), $"the files of the {provider} compiled model differ: {regenerate}");
            foreach (var file in generated)
            {
                var committed = File.ReadAllText(Path.Combine(folder, Path.GetFileName(file)));
                Assert.That(Normalize(committed), Is.EqualTo(Normalize(File.ReadAllText(file))), $"{Path.GetFileName(file)} is stale: {regenerate}");
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    // Writes the files to outputDir and returns their paths. The design-time model is built from OnModelCreating, whether or not a compiled model exists; the provider's
    // design-time services are found the way the dotnet-ef tool finds them.
    private static IReadOnlyList<string> Scaffold(DbContext context, string modelNamespace, string outputDir)
    {
        var services = new ServiceCollection()
            .AddEntityFrameworkDesignTimeServices()
            .AddDbContextDesignTimeServices(context);
        var providerAssembly = Assembly.Load(context.Database.ProviderName!); // the provider's name is its assembly's
        var designTimeServices = providerAssembly.GetCustomAttribute<DesignTimeProviderServicesAttribute>()
            ?? throw new InvalidOperationException($"{providerAssembly.GetName().Name} has no design-time services.");
        var servicesType = providerAssembly.GetType(designTimeServices.TypeName, throwOnError: true)!;
        ((IDesignTimeServices)Activator.CreateInstance(servicesType)!).ConfigureDesignTimeServices(services);

        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<ICompiledModelScaffolder>().ScaffoldModel(
            context.GetService<IDesignTimeModel>().Model,
            outputDir,
            new CompiledModelCodeGenerationOptions
            {
                ContextType = context.GetType(),
                ModelNamespace = modelNamespace,
                Language = "C#",
                UseNullableReferenceTypes = true,
            });
    }

    // The contexts `dotnet ef` builds: the project's design-time factories (Identity's schema version included; they
    // never connect).
    private static DbContext CreateContext(Type contextType) => contextType == typeof(SqliteAppDbContext)
        ? new SqliteAppDbContextDesignTimeFactory().CreateDbContext([])
        : new SqlServerAppDbContextDesignTimeFactory().CreateDbContext([]);

    // Every generation draws a new model id; nothing else may differ.
    private static string Normalize(string code) =>
        ModelId().Replace(code.TrimStart('\uFEFF').ReplaceLineEndings("\n"), "modelId: new Guid(\"(any)\")");

    [GeneratedRegex("""modelId: new Guid\("[0-9a-f-]{36}"\)""")]
    private static partial Regex ModelId();
}
