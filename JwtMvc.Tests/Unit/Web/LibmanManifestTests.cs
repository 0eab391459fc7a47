using System.Text.Json;
using System.Text.RegularExpressions;

using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Unit.Web;

/// <summary>
/// libman.json and JwtMvc.Web/wwwroot/lib must agree: each declared library's folder holds exactly the
/// declared files, and the version in the files' license headers is the declared version.
/// </summary>
public sealed partial class LibmanManifestTests
{
    private const string LibFolder = "JwtMvc.Web/wwwroot/lib";

    public static IEnumerable<TestCaseData> Libraries() =>
        ReadManifest().Libraries.Select(l => new TestCaseData(l).SetArgDisplayNames(l.Library));

    [Test]
    public void The_manifest_uses_a_cdn_provider_for_every_library()
    {
        var manifest = ReadManifest();

        Assert.That(manifest.Libraries, Is.Not.Empty, "libman.json should declare the client libraries");
        foreach (var library in manifest.Libraries)
        {
            Assert.That(library.Provider ?? manifest.DefaultProvider, Is.AnyOf("cdnjs", "jsdelivr"),
                $"{library.Library} should come from cdnjs or jsdelivr");
        }
    }

    [Test]
    public void Every_folder_under_wwwroot_lib_is_declared()
    {
        var declared = ReadManifest().Libraries.Select(l => l.Destination.TrimEnd('/')).ToList();

        var folders = Directory.GetDirectories(Path.Combine(Repository.Root, LibFolder))
            .Select(d => $"{LibFolder}/{Path.GetFileName(d)}");

        Assert.That(folders, Is.SubsetOf(declared), "every library under wwwroot/lib should be declared in libman.json");
    }

    [TestCaseSource(nameof(Libraries))]
    public void The_library_folder_holds_exactly_the_declared_files(LibmanLibrary library)
    {
        var folder = Path.Combine(Repository.Root, library.Destination);
        Assert.That(Directory.Exists(folder), Is.True, $"{library.Library} should be installed in {library.Destination}");

        var present = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'));

        Assert.That(present, Is.EquivalentTo(library.Files),
            $"the files in {library.Destination} should be the ones libman.json lists for {library.Library}");
    }

    [TestCaseSource(nameof(Libraries))]
    public void The_version_in_every_file_header_is_the_declared_version(LibmanLibrary library)
    {
        var declaredVersion = library.Library[(library.Library.LastIndexOf('@') + 1)..];
        var folder = Path.Combine(Repository.Root, library.Destination);
        var sources = library.Files.Where(f => f.EndsWith(".js", StringComparison.Ordinal) || f.EndsWith(".css", StringComparison.Ordinal)).ToList();
        Assert.That(sources, Is.Not.Empty, $"{library.Library} should ship at least one script or stylesheet");

        foreach (var file in sources)
        {
            Assert.That(HeaderVersion(Path.Combine(folder, file)), Is.EqualTo(declaredVersion),
                $"the header of {library.Destination}/{file} should name version {declaredVersion}, as libman.json declares");
        }
    }

    /// <summary>The first x.y.z version named in the file's leading comment ("jQuery v3.7.1", "@version v4.0.0").</summary>
    private static string? HeaderVersion(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[2000];
        var head = new string(buffer, 0, reader.ReadBlock(buffer));
        var comment = LeadingComment().Match(head);
        if (!comment.Success)
        {
            return null;
        }

        var version = HeaderVersionPattern().Match(comment.Value);
        return version.Success ? version.Groups[1].Value : null;
    }

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex LeadingComment();

    [GeneratedRegex(@"\bv(\d+\.\d+\.\d+)\b")]
    private static partial Regex HeaderVersionPattern();

    private static LibmanManifest ReadManifest()
    {
        var json = File.ReadAllText(Path.Combine(Repository.Root, "libman.json"));
        return JsonSerializer.Deserialize<LibmanManifest>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("libman.json is empty");
    }
}

public sealed record LibmanManifest(string Version, string? DefaultProvider, IReadOnlyList<LibmanLibrary> Libraries);

public sealed record LibmanLibrary(string Library, string Destination, string? Provider, IReadOnlyList<string> Files)
{
    public override string ToString() => Library;
}
