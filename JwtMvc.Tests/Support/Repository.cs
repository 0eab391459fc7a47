namespace JwtMvc.Tests.Support;

/// <summary>The repository's root folder: the first folder above the test output that holds JwtMvc.sln.</summary>
internal static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JwtMvc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("JwtMvc.sln was not found above the test output folder.");
    }
}
