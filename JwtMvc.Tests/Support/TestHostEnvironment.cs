using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace JwtMvc.Tests.Support;

/// <summary>An <see cref="IHostEnvironment"/> for tests that build services without a host.</summary>
internal sealed class TestHostEnvironment(string contentRootPath, string environmentName) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = environmentName;

    public string ApplicationName { get; set; } = "JwtMvc.Tests";

    public string ContentRootPath { get; set; } = contentRootPath;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
